def init():
    pass


def run(data, **options):
    return data
