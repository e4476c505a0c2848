import io

from PIL import Image

from ecoledger.lib.imagehash import difference_hash, hamming, hash_file, is_featureless
from tests.photos import scene


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def test_a_resaved_and_resized_photo_keeps_nearly_the_same_hash():
    original = scene()
    shrunk = original.resize((160, 120))

    first = hash_file(io.BytesIO(jpeg(original)))
    second = hash_file(io.BytesIO(jpeg(shrunk, quality=40)))

    assert len(first) == 16
    assert hamming(first, second) <= 4


def test_different_scenes_are_far_apart():
    assert hamming(difference_hash(scene(0)), difference_hash(scene(3))) > 12


def test_a_flat_picture_is_featureless_and_a_scene_is_not():
    flat = difference_hash(Image.new("RGB", (32, 24), (40, 120, 60)))

    assert flat == "0000000000000000"
    assert is_featureless(flat)
    assert not is_featureless(difference_hash(scene()))


def test_a_file_that_is_not_an_image_has_no_hash():
    assert hash_file(io.BytesIO(b"%PDF-1.4")) is None
