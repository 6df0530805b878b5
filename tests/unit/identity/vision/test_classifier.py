"""The cell classifier and the decoder's use of its scores."""

import numpy as np

from apoyo.synthetic.photos import labelled_backs
from apoyo_identity.mrz_decode import decode
from apoyo_identity.rules.mrz import CHARSET
from apoyo_identity.vision.checker import log_probabilities, networks, photo_network
from apoyo_identity.vision.classifier import scores
from apoyo_identity.vision.training_cells import training_set


def test_training_cells_are_the_same_for_the_same_seed() -> None:
    first, labels = training_set(2, seed=3)
    again, same_labels = training_set(2, seed=3)
    assert np.array_equal(first, again) and np.array_equal(labels, same_labels)


def test_rendered_cells_not_learnt_from_are_classified() -> None:
    cells, labels = training_set(6, seed=11)
    assert (scores(cells).argmax(axis=1) == labels).mean() >= 0.97


def _certain(text: str) -> np.ndarray:
    """Scores that prefer each character of `text` by a wide margin."""
    found = np.zeros((90, len(CHARSET)), np.float32)
    found[np.arange(90), [CHARSET.index(c) for c in text]] = 100.0
    return found


def test_a_clear_read_decodes_but_not_with_a_symbol_among_the_fillers() -> None:
    truth = "".join(labelled_backs(1, 0, seed=3)[0].mrz)
    read = decode(_certain(truth), 16.0)
    assert read is not None and "".join(read.lines) == truth
    assert truth[86:90] == "<<<<" and truth[55:59] == "<<<<"
    for position, stray in ((88, "K"), (56, "0")):
        # A letter after the names, a digit after the emission number: no check digit can
        # tell, only the layout (the composite digit passes a garbled field one time in ten).
        broken = truth[:position] + stray + truth[position + 1 :]
        assert decode(_certain(broken), 16.0) is None


def test_the_checking_networks_classify_rendered_cells_not_learnt_from() -> None:
    cells, labels = training_set(6, seed=11)
    for net in networks():
        assert (log_probabilities(net, cells).argmax(axis=1) == labels).mean() >= 0.97


def test_the_shipped_photo_network_classifies_rendered_cells_not_learnt_from() -> None:
    cells, labels = training_set(6, seed=11)
    assert (log_probabilities(photo_network(), cells).argmax(axis=1) == labels).mean() >= 0.97


def test_a_name_letter_that_another_classifier_does_not_prefer_is_no_read() -> None:
    truth = "".join(labelled_backs(1, 0, seed=3)[0].mrz)
    assert decode(_certain(truth), 16.0, [_certain(truth)]) is not None
    position = 60  # the first letter of the surname
    other = "B" if truth[position] != "B" else "D"
    doubt = truth[:position] + other + truth[position + 1 :]
    assert decode(_certain(truth), 16.0, [_certain(truth), _certain(doubt)]) is None


def test_the_sex_letter_must_be_clear_no_check_digit_covers_it() -> None:
    truth = "".join(labelled_backs(1, 0, seed=3)[0].mrz)
    found = _certain(truth)
    sex, other = truth[37], "M" if truth[37] != "M" else "H"
    found[37, CHARSET.index(other)] = found[37, CHARSET.index(sex)] - 1.0
    assert decode(found, 16.0) is None
