class Repo:
    def find(self):
        return None

    def save(self):
        return None

    def refresh_token(self):
        return None
