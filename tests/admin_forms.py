"""What a browser would send from a form on a page as it was loaded: `form_fields(page, form_id)`.

Tests post it back, changed where the test changes something, to act as an editor in the admin
does; bench/edge.py saves headlines with it. Only BeautifulSoup: the benchmarks import it too.
"""

import re

from bs4 import BeautifulSoup, Tag

# Controls a browser does not send by themselves (a file input sends a file, which tests add).
_NOT_SENT = {"submit", "button", "reset", "image", "file"}


def form_fields(page, form_id):
    """The fields of `form#<form_id>`, name -> value, as a browser submits the form untouched.

    `page` is a test client's response (which must be a 200) or a page already parsed with
    BeautifulSoup. As a browser does, it leaves out disabled fields, unticked boxes and radio
    buttons, buttons and file inputs; sends a single select's selected option, or its first when none is;
    a multiple select's selected options, as a list; a textarea's text without the newline
    that follows its opening tag; and a name that stands more than once as a list.
    """
    if not isinstance(page, Tag):
        assert page.status_code == 200, page.status_code
        page = BeautifulSoup(page.content, "html.parser")
    form = page.select_one(f"form#{form_id}")
    assert form is not None, f"no form#{form_id} on the page"
    data = {}

    def send(name, value):
        if name not in data:
            data[name] = value
        elif isinstance(data[name], list):
            data[name].append(value)
        else:
            data[name] = [data[name], value]

    for field in form.select("input[name], select[name], textarea[name]"):
        name = field["name"]
        if field.has_attr("disabled"):
            continue
        if field.name == "textarea":
            send(name, re.sub(r"\A\r?\n", "", field.text))
        elif field.name == "select":
            options = field.select("option")
            chosen = [option for option in options if option.has_attr("selected")]
            if field.has_attr("multiple"):
                data[name] = [_option_value(option) for option in chosen]
            elif options:
                send(name, _option_value((chosen or options)[0]))
        else:
            kind = field.get("type", "text").lower()
            if kind in _NOT_SENT:
                continue
            if kind in {"checkbox", "radio"}:
                if field.has_attr("checked"):
                    send(name, field.get("value", "on"))
                continue
            send(name, field.get("value", ""))
    return data


def _option_value(option):
    return option.get("value", option.text)
