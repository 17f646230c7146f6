from .repo import Repo
