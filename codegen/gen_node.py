def generate(api):
    return {}
