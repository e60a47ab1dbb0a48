"""The cats-vs-dogs folder loader on real photographs: scikit-image's `chelsea` (a cat), `coffee`
and `astronaut` (standing in for dogs: only the folder format is under test), written by the test
as JPEGs into a `PetImages/Cat`, `PetImages/Dog` tree, with damaged files among them."""
import warnings

import numpy as np
import pytest
from PIL import Image
from skimage import data

from crosscheck.errors import UserError
from crosscheck.datasets import catsdogs, preprocessing
from dataset_files import write_pets

SIZE = (100, 100)


@pytest.fixture(scope="module")
def pets(tmp_path_factory):
    return write_pets(tmp_path_factory.mktemp("pets") / "PetImages")


def test_classes_split_and_pixels(pets):
    with pytest.warns(catsdogs.CorruptImagesWarning, match=r"skipped 3 corrupt or non-JFIF images"):
        ds = catsdogs.load(pets, SIZE, seed=0)
    assert ds.class_names == ["Cat", "Dog"]
    assert sorted(p.name for p in ds.skipped) == ["666.jpg", "png_inside.jpg", "truncated.jpg"]
    assert [len(s.y) for s in (ds.train, ds.val, ds.test)] == [16, 2, 2]
    files = [f for s in (ds.train, ds.val, ds.test) for f in s.files]
    assert len(set(files)) == 20  # disjoint, and every readable image is used
    for s in (ds.train, ds.val, ds.test):
        assert s.x.shape == (len(s.y), *SIZE, 3) and s.x.dtype == np.float32
        assert [int(f.parent.name == "Dog") for f in s.files] == s.y.tolist()
    # The pixels are the decoded JPEG resized by the shared preprocessing module.
    f = ds.train.files[0]
    expected = preprocessing.resize_bilinear(np.asarray(Image.open(f).convert("RGB"))[None].astype(np.float32), SIZE)[0]
    assert np.array_equal(ds.train.x[0], expected)
    assert 0 <= ds.train.x.min() and ds.train.x.max() <= 255 and ds.train.x.std() > 10


def test_split_is_deterministic_per_seed(pets):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", catsdogs.CorruptImagesWarning)
        a, b, c = (catsdogs.load(pets, SIZE, seed=s) for s in (0, 0, 1))
    assert a.train.files == b.train.files and np.array_equal(a.train.x, b.train.x)
    assert a.train.files != c.train.files


def test_bad_folders_are_named(tmp_path):
    with pytest.raises(UserError, match="nothere: not a directory"):
        catsdogs.load(tmp_path / "nothere", SIZE)
    (tmp_path / "one" / "Cat").mkdir(parents=True)
    with pytest.raises(UserError, match=r"one: expected one subfolder per class"):
        catsdogs.load(tmp_path / "one", SIZE)
    (tmp_path / "one" / "Dog").mkdir()
    Image.fromarray(data.chelsea()).save(tmp_path / "one" / "Cat" / "1.jpg")
    with pytest.raises(UserError, match=r"Dog: no .jpg images"):
        catsdogs.load(tmp_path / "one", SIZE)
    (tmp_path / "one" / "Dog" / "1.jpg").write_bytes(b"garbage")
    (tmp_path / "one" / "Cat" / "1.jpg").write_bytes(b"garbage")
    with pytest.warns(catsdogs.CorruptImagesWarning), pytest.raises(UserError, match="one: no readable JPEG images"):
        catsdogs.load(tmp_path / "one", SIZE)
