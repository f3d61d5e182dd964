#!/usr/bin/env python3
"""Makes the small real datasets the tests carry, from full copies of MNIST, Fashion-MNIST and CIFAR-10.

    python3 src/test/make-dataset-fixtures.py FULL_DATASETS_ROOT

FULL_DATASETS_ROOT holds mnist/ and fashion-mnist/ (the four standard idx files, gzipped or not) and
cifar10/cifar10-jpg.tar.gz (train/<class>/NNNN.jpg and test/<class>/NNNN.jpg). The subsets are the first
images of each split, byte for byte with their labels, written to src/test/resources/datasets in the same
layout, with SHA256SUMS. The output is deterministic (fixed gzip and tar timestamps, sorted entries), so a
rebuild from the same inputs gives the same bytes.
"""
import gzip
import hashlib
import io
import os
import struct
import sys
import tarfile

IDX_TRAIN, IDX_TEST = 2000, 1000
CIFAR_TRAIN_PER_CLASS, CIFAR_TEST_PER_CLASS = 70, 30
# 2020-01-01, the timestamp the full CIFAR-10 archive carries
TAR_MTIME = 1577836800

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "resources", "datasets")


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return f.read()


def find(folder, name):
    for candidate in (name + ".gz", name):
        if os.path.isfile(os.path.join(folder, candidate)):
            return os.path.join(folder, candidate)
    sys.exit(f"{name} is missing under {folder}")


def head_of_idx(data, count):
    """The header with its count set to `count`, and the first `count` items."""
    magic, total = struct.unpack(">II", data[:8])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * (dims - 1), data[8:4 + 4 * dims])
    if total < count:
        sys.exit(f"only {total} items, {count} wanted")
    item = 1
    for d in shape:
        item *= d
    header = struct.pack(">II", magic, count) + data[8:4 + 4 * dims]
    return header + data[4 + 4 * dims:4 + 4 * dims + count * item]


def write_gzip(path, data):
    # mtime 0 and no file name in the header: the same bytes on every rebuild
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(data)


def make_idx(source_root, name):
    source, target = os.path.join(source_root, name), os.path.join(OUT, name)
    os.makedirs(target, exist_ok=True)
    for split, count in (("train", IDX_TRAIN), ("t10k", IDX_TEST)):
        for kind in ("images-idx3-ubyte", "labels-idx1-ubyte"):
            file = f"{split}-{kind}"
            write_gzip(os.path.join(target, file + ".gz"), head_of_idx(read_idx(find(source, file)), count))


def make_cifar(source_root):
    archive = os.path.join(source_root, "cifar10", "cifar10-jpg.tar.gz")
    wanted = {"train": CIFAR_TRAIN_PER_CLASS, "test": CIFAR_TEST_PER_CLASS}
    picked = {}
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            parts = member.name.split("/")
            if not member.isfile() or len(parts) != 3 or parts[0] not in wanted:
                continue
            picked.setdefault((parts[0], parts[1]), []).append((parts[2], tar.extractfile(member).read()))
    target = os.path.join(OUT, "cifar10")
    os.makedirs(target, exist_ok=True)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as out:
        def add(name, data=None):
            info = tarfile.TarInfo(name)
            info.mtime, info.uid, info.gid, info.uname, info.gname = TAR_MTIME, 0, 0, "", ""
            if data is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o775
                out.addfile(info)
            else:
                info.size, info.mode = len(data), 0o664
                out.addfile(info, io.BytesIO(data))

        for split in ("train", "test"):
            add(split + "/")
            for cls in sorted(c for s, c in picked if s == split):
                add(f"{split}/{cls}/")
                files = sorted(picked[(split, cls)])[:wanted[split]]
                if len(files) < wanted[split]:
                    sys.exit(f"{split}/{cls} has only {len(files)} images")
                for file, data in files:
                    add(f"{split}/{cls}/{file}", data)
    write_gzip(os.path.join(target, "cifar10-jpg.tar.gz"), buffer.getvalue())


def write_sums():
    lines = []
    for folder in ("mnist", "fashion-mnist", "cifar10"):
        for file in sorted(os.listdir(os.path.join(OUT, folder))):
            with open(os.path.join(OUT, folder, file), "rb") as f:
                lines.append(f"{hashlib.sha256(f.read()).hexdigest()}  {folder}/{file}\n")
    with open(os.path.join(OUT, "SHA256SUMS"), "w") as f:
        f.writelines(lines)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    make_idx(sys.argv[1], "mnist")
    make_idx(sys.argv[1], "fashion-mnist")
    make_cifar(sys.argv[1])
    write_sums()
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(OUT) for f in fs)
    print(f"wrote {OUT} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
