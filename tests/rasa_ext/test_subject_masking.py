"""The classifier must see subjects masked in training exactly as it sees them at run time.

Rasa's recipe runs `process_training_data` only for tokenizers and featurizers. When the
subject extractor was registered as an entity extractor alone, training examples kept their
subject words while every live message had them replaced by a placeholder the classifier had
never seen. These tests read the graph Rasa builds from config.yml.
"""

import pytest

from bot.paths import PROJECT_ROOT

ROOT = PROJECT_ROOT


@pytest.fixture(scope="module")
def schemas():
    from rasa.engine.recipes.recipe import Recipe
    from rasa.shared.data import TrainingType
    from rasa.shared.utils.io import read_yaml_file

    import bot.rasa_ext.components.fast_logistic_regression  # noqa: F401
    import bot.rasa_ext.components.intent_guard  # noqa: F401
    import bot.rasa_ext.components.safety_triage  # noqa: F401
    import bot.rasa_ext.components.subject_extractor  # noqa: F401  (registers the components)
    import bot.rasa_ext.policies.recent_rules  # noqa: F401
    config = read_yaml_file(ROOT / "config.yml")
    recipe = Recipe.recipe_for_name(config.get("recipe"))
    return recipe.graph_config_for_recipe(config, {}, training_type=TrainingType.NLU)


def _nodes(schema, fn):
    return [name for name, node in schema.nodes.items()
            if node.uses.__name__ == "SubjectExtractor" and node.fn == fn]


def test_training_examples_are_masked_before_the_classifier_is_trained(schemas):
    train = schemas.train_schema
    [masking] = _nodes(train, "process_training_data")
    classifier = next(n for n, node in train.nodes.items()
                      if node.uses.__name__ == "FastLogisticRegressionClassifier" and node.fn == "train")

    def upstream(name, seen=None):
        seen = seen if seen is not None else set()
        for dep in train.nodes[name].needs.values():
            if dep not in seen and dep in train.nodes:
                seen.add(dep)
                upstream(dep, seen)
        return seen
    assert masking in upstream(classifier)


def test_messages_are_masked_once_at_run_time(schemas):
    assert len(_nodes(schemas.predict_schema, "process")) == 1
