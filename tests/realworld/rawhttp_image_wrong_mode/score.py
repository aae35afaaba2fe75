"""Broken: an image endpoint in the style of the GPU deployment notebook. The client
POSTs the raw image bytes; run() reads request.get_data(False), answers the image's
size and mean colour. It assumes 4 channels (RGBA): an RGB image, the sample, breaks it."""
import json
import struct
import zlib

from azureml.contrib.services.aml_request import AMLRequest, rawhttp
from azureml.contrib.services.aml_response import AMLResponse

CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def init():
    pass


def decode_png(data):
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError("not a PNG image")
    width, height, depth, color_type = struct.unpack(">IIBB", data[16:26])
    channels = 4  # written for RGBA screenshots; an RGB photo reads past its rows
    pixels, pos = b"", 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if data[pos + 4 : pos + 8] == b"IDAT":
            pixels += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    rows = zlib.decompress(pixels)
    stride = width * channels + 1
    values = [rows[r * stride + 1 : (r + 1) * stride] for r in range(height)]
    if any(len(v) != width * channels for v in values):
        raise IndexError("pixel row shorter than the image width")
    return width, height, channels, values


def score(data):
    width, height, channels, rows = decode_png(data)
    means = [sum(row[c::channels]) for row in rows for c in range(channels)]
    return json.dumps({"width": width, "height": height, "brightness": round(sum(means) / (width * height * channels), 2)})


@rawhttp
def run(request: AMLRequest):
    if request.method == "GET":
        return AMLResponse(str.encode("GET is not supported"), 405)
    data = request.get_data(False)
    if not data:
        return AMLResponse("no image in the request body", 400)
    try:
        return AMLResponse(score(data), 200)
    except ValueError as e:
        return AMLResponse(str(e), 400)
