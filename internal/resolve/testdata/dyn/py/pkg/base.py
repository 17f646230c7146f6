class Service:
    def log(self):
        pass

    def run(self):
        pass
