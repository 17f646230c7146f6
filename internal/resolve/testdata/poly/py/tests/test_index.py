class Index:
    def build(self):
        return 0


def test_better_index():
    class Index:
        def build(self):
            return 1

    class BetterIndex(Index):
        def run(self):
            return self.build()

    BetterIndex().run()


def test_other():
    class BetterIndex(Index):
        pass

    BetterIndex().build()
