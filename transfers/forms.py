"""The console's import forms: the upload, and the choice of a field for each column."""

from __future__ import annotations

from django import forms

from transfers.columns import TABLES

LEAVE_OUT = ""


class UploadForm(forms.Form):
    file = forms.FileField(label="Inventory file", help_text="CSV, JSON or Excel (.xlsx).")
    reviews_file = forms.FileField(
        label="Review history (CSV only)", required=False,
        help_text="For a CSV file: the review history exported beside it (inventory.reviews.csv).",
    )
    sheet = forms.CharField(label="Sheet", required=False, max_length=100,
                            help_text="Excel: the sheet with the models (default: Models, or the first).")
    header_row = forms.IntegerField(label="Header row", required=False, min_value=1, max_value=1_000_000,
                                    help_text="Leave empty to find it among the first rows.")
    update = forms.BooleanField(label="Update models already in the inventory", required=False,
                                help_text="Otherwise they are skipped and listed.")


def column_choices(table: str) -> list[tuple[str, str]]:
    return [(LEAVE_OUT, "— leave out —"), *((column.field, f"{column.label} ({column.field})")
                                            for column in TABLES[table])]


class MappingForm(forms.Form):
    """One choice per column of the file, preset to the field its header names or the one suggested."""

    def __init__(self, *args, columns: list[dict], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        for index, column in enumerate(columns):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=column["header"] or f"(column {index + 1}, no header)", required=False,
                choices=column_choices(column["table"]), initial=column["field"] or column["suggested"] or LEAVE_OUT,
            )

    def rows(self):
        """(column, its bound field) for the template."""
        return [(column, self[f"column_{index}"]) for index, column in enumerate(self.columns)]

    def mapping(self) -> dict[str, str | None]:
        """The mapping: every column to its chosen field, or None to leave it out."""
        return {column["header"]: self.cleaned_data[f"column_{index}"] or None
                for index, column in enumerate(self.columns) if column["header"].strip()}

    def clean(self):
        cleaned = super().clean()
        chosen: dict[tuple[str, str], str] = {}
        for index, column in enumerate(self.columns):
            field = cleaned.get(f"column_{index}")
            if not field:
                continue
            other = chosen.get((column["table"], field))
            if other is not None:
                self.add_error(f"column_{index}", f"{field} is already filled by the column {other!r}.")
            chosen[(column["table"], field)] = column["header"]
        return cleaned


class ConfirmForm(forms.Form):
    continue_on_error = forms.BooleanField(
        required=False, label="Import the rows without problems and leave out the rest")
