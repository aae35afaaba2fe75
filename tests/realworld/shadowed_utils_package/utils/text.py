import re
import unicodedata


def normalise(text):
    return unicodedata.normalize("NFKC", text).lower()


def tokens(text):
    return re.findall(r"[a-z']+", text)
