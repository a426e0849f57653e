"""The same three endpoints written for each framework under comparison."""
