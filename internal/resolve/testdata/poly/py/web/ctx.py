class Repo:
    def find(self, key):
        return key


class AppContext:
    def push(self) -> None:
        pass

    def repo(self) -> "Repo":
        return Repo()


def make_context() -> AppContext:
    return AppContext()
