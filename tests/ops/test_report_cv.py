from bot.ops.report_cv import summarise


def test_summary_states_macro_f1_against_the_bar():
    report = {"a": {"precision": 1.0, "recall": 0.5, "f1-score": 0.667, "support": 4},
              "b": {"precision": 0.8, "recall": 1.0, "f1-score": 0.889, "support": 4},
              "accuracy": 0.75, "macro avg": {"f1-score": 0.778}, "weighted avg": {"f1-score": 0.778}}
    text = summarise(report)
    assert "0.778, which is below the 0.95 bar" in text
    assert text.index("| a |") < text.index("| b |")  # weakest first
