"""Form fields for the officers' pages: label, input, help and the engine's error in one tag.

`{% field "visit_date" _("Tanggal kunjungan") type="date" %}` reads the current form's values and
errors from the context variables `v` and `e` (set per form with `{% with %}`), and prefixes the
element id with `fid` so several forms on one page never share an id.
"""

from django import template

register = template.Library()


def _lookup(mapping, key: str) -> str:
    try:
        value = mapping.get(key, "")
    except AttributeError:
        return ""
    return "" if value is None else value


@register.inclusion_tag("workflow/_field.html", takes_context=True)
def field(context, name, label, type="text", help="", optional=False, rows=3, inputmode="", value=None):
    element_id = f"{context.get('fid') or 'f'}-{name}".replace(".", "-")
    return {
        "name": name,
        "id": element_id,
        "label": label,
        "type": type,
        "help": help,
        "optional": optional,
        "rows": rows,
        "inputmode": inputmode,
        "value": _lookup(context.get("v"), name) if value is None else value,
        "error": _lookup(context.get("e"), name),
    }
