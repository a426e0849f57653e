from pyjolt.task_manager import TaskManager, schedule_job

RUNS: list[str] = []


class Scheduler(TaskManager):
    @schedule_job("interval", minutes=1, id="my_job")
    async def some_task(self):
        print("Performing task")


scheduler: Scheduler = Scheduler()


async def send_email(address: str) -> None:
    RUNS.append(address)
