from django import template

from fangkong.core.pii import mask_id_number, mask_name, mask_phone

register = template.Library()
register.filter("mask_id", mask_id_number)
register.filter("mask_phone", mask_phone)
register.filter("mask_name", mask_name)


@register.filter("verb_label")
def _verb_label(verb: str) -> str:
    from fangkong.core.verbs import verb_label

    return verb_label(verb)
