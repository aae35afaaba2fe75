"""Undecorated run(): echoes the raw body text it got inside a dict."""


def init():
    pass


def run(raw_data):
    return {"received": raw_data}
