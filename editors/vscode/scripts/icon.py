#!/usr/bin/env python3
"""Draws the extension's icon, images/icon.png (128x128 RGBA), with nothing
but the standard library: a dark blue rounded square, an amber shield and a
white check mark, anti-aliased by 4x4 supersampling. Run it again after a
change: `python3 editors/vscode/scripts/icon.py`."""
import math
import os
import struct
import zlib

SIZE, SS = 128, 4
BLUE, AMBER, WHITE = (31, 78, 121), (242, 169, 0), (255, 255, 255)


def in_rounded_square(x, y, margin=4, r=24):
    lo, hi = margin, SIZE - margin
    if not (lo <= x <= hi and lo <= y <= hi):
        return False
    cx = min(max(x, lo + r), hi - r)
    cy = min(max(y, lo + r), hi - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def in_shield(x, y, scale=1.0):
    # A shield: a flat top, straight sides, then a curve to a point.
    cx, top, half, mid, bottom = 64, 20, 38 * scale, 62, 112
    top = top + (1 - scale) * 20
    bottom = bottom - (1 - scale) * 22
    if y < top or y > bottom:
        return False
    if y <= mid:
        return abs(x - cx) <= half
    t = (y - mid) / (bottom - mid)
    return abs(x - cx) <= half * math.cos(t * math.pi / 2)


def near_segment(x, y, a, b, width):
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    px, py = ax + t * dx, ay + t * dy
    return (x - px) ** 2 + (y - py) ** 2 <= (width / 2) ** 2


def colour(x, y):
    if near_segment(x, y, (44, 64), (58, 80), 11) or near_segment(x, y, (58, 80), (86, 46), 11):
        return WHITE
    if in_shield(x, y, 0.78):
        return BLUE
    if in_shield(x, y):
        return AMBER
    if in_rounded_square(x, y):
        return BLUE
    return None


rows = []
for py in range(SIZE):
    row = bytearray([0])
    for px in range(SIZE):
        acc, n = [0, 0, 0], 0
        for sy in range(SS):
            for sx in range(SS):
                c = colour(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS)
                if c:
                    n += 1
                    acc = [a + v for a, v in zip(acc, c)]
        if n:
            row += bytes([round(a / n) for a in acc] + [round(255 * n / SS / SS)])
        else:
            row += bytes(4)
    rows.append(bytes(row))


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


png = (
    b"\x89PNG\r\n\x1a\n"
    + chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0))
    + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
    + chunk(b"IEND", b"")
)
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "images", "icon.png")
with open(out, "wb") as f:
    f.write(png)
print(os.path.normpath(out))
