"""The one compiled part: the text model's hot loops (src/sentinelle/_textmodel_speedups.c).

Everything else is declared in pyproject.toml. The extension is optional at install time: without a C compiler
the package installs and runs on the pure-Python code it mirrors (textmodel.py), about 0.3 ms slower per e-mail.
The test suite requires it (tests/test_text_model_speedups.py), so CI always runs the compiled path and checks it
against the Python one.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "sentinelle._textmodel_speedups",
            ["src/sentinelle/_textmodel_speedups.c"],
            # The same double additions as Python, in the same order: no fused multiply-add contraction.
            extra_compile_args=["-O2", "-ffp-contract=off"],
            optional=True,
        )
    ]
)
