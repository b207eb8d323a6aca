from django.utils.functional import SimpleLazyObject

from newsroom.chrome import get_chrome


def site_chrome(request):
    """Expose the shared header and footer as `chrome`; nothing is read until a template asks."""
    return {"chrome": SimpleLazyObject(get_chrome)}
