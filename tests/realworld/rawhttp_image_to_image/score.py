"""Correct: an image-to-image endpoint in the style of the binary-payloads sample
(single-file-to-file-score.py). The client POSTs a PNG; run() answers a grayscale
PNG of it (image/png), 400 for a body that is not a PNG and 405 for GET."""
import struct
import zlib

from azureml.contrib.services.aml_request import AMLRequest, rawhttp
from azureml.contrib.services.aml_response import AMLResponse

CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}
SIGNATURE = b"\x89PNG\r\n\x1a\n"


def init():
    pass


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def to_grayscale(data):
    if not data.startswith(SIGNATURE):
        raise ValueError("not a PNG image")
    width, height, depth, color_type = struct.unpack(">IIBB", data[16:26])
    if depth != 8 or color_type not in CHANNELS:
        raise ValueError("only 8-bit PNG images are supported")
    channels = CHANNELS[color_type]
    pixels, pos = b"", 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if data[pos + 4 : pos + 8] == b"IDAT":
            pixels += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    rows = zlib.decompress(pixels)
    stride = width * channels + 1
    gray = b""
    for r in range(height):
        row = rows[r * stride + 1 : (r + 1) * stride]
        colour = min(channels, 3)
        gray += b"\x00" + bytes(sum(row[x * channels : x * channels + colour]) // colour for x in range(width))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(gray)) + chunk(b"IEND", b"")


@rawhttp
def run(request: AMLRequest):
    if request.method == "GET":
        return AMLResponse("GET is not supported", 405)
    try:
        image = to_grayscale(request.get_data(False))
    except (ValueError, struct.error, zlib.error) as e:
        return AMLResponse(str(e), 400)
    response = AMLResponse(image, 200)
    response.mimetype = "image/png"
    return response
