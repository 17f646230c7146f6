import json

from pkg import Repo
from . import repo as repomod
from .base import Service


class Users(Service):
    def __init__(self, repo: Repo):
        self.repo = repo
        self.cache = repomod.Repo()

    def get(self, data):
        self.repo.find()
        self.cache.save()
        self.log()
        super().run()
        r = Repo()
        r.save()
        data.find()
        data.refresh_token()
        json.refresh_token()
        return json.dumps(1)

    @classmethod
    def make(cls):
        return cls.build()

    @classmethod
    def build(cls):
        return cls


class Other:
    def find(self):
        return None
