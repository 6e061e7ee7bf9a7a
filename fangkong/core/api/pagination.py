"""Every API list is paginated; clients may ask for up to 500 rows a page."""

from rest_framework.pagination import PageNumberPagination as _PageNumberPagination


class PageNumberPagination(_PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
