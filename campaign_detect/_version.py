"""The package version, kept apart so that any module can name it without importing the
package's public API (which imports every stage)."""

__version__ = "0.1.0"
