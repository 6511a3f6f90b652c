"""Catalog search and book details (S-CATALOG-001; API-BOOK-LIST, API-BOOK-DETAIL)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from lending.errors import LendingError
from lending.isbn import is_valid_isbn13, looks_like_isbn, normalize_isbn
from lending.models import Book, Loan

PAGE_SIZE = 20  # FR-CATALOG-002
MAX_QUERY_LENGTH = 100  # VR-003


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of search results, as API-BOOK-LIST returns it."""

    books: tuple[Book, ...]
    page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


@dataclass(frozen=True, slots=True)
class Availability:
    """What the Book Detail screen shows about copies (FR-CATALOG-004)."""

    book_id: str
    available: int
    next_due: date | None  # earliest due date, only when no copy is on the shelf


class Catalog:
    """The books of the library, searchable by title, author or ISBN."""

    def __init__(self, books: Iterable[Book] = ()) -> None:
        self._books: dict[str, Book] = {}
        for book in books:
            self.add(book)

    def add(self, book: Book) -> Book:
        """Register a title; the ISBN must pass VR-001 and is stored digits-only."""
        if not is_valid_isbn13(book.isbn):
            raise LendingError("INVALID_ISBN", f"{book.isbn!r} is not a valid ISBN-13")
        if book.book_id in self._books:
            raise LendingError("DUPLICATE_BOOK", f"{book.book_id} is already registered")
        stored = replace(book, isbn=normalize_isbn(book.isbn))
        self._books[book.book_id] = stored
        return stored

    def get(self, book_id: str, *, include_withdrawn: bool = False) -> Book:
        """API-BOOK-DETAIL: a withdrawn book is as good as missing (BR-006).

        Loans keep pointing at a book withdrawn while it was out, hence `include_withdrawn`.
        """
        book = self._books.get(book_id)
        if book is None or (book.withdrawn and not include_withdrawn):
            raise LendingError("BOOK_NOT_FOUND", f"no book {book_id}")
        return book

    def search(self, query: str, page: int = 1) -> SearchPage:
        """API-BOOK-LIST: FR-CATALOG-001/002/003/005."""
        text = query.strip()
        if not 1 <= len(text) <= MAX_QUERY_LENGTH:
            raise LendingError("INVALID_QUERY", "search text must be 1 to 100 characters")
        if page < 1:
            raise LendingError("INVALID_PAGE", f"page {page} does not exist")
        match = _isbn_matcher(text) if looks_like_isbn(text) else _text_matcher(text)
        hits = sorted(
            (b for b in self._books.values() if not b.withdrawn and match(b)),
            key=lambda b: (b.title.casefold(), b.book_id),
        )
        start = (page - 1) * PAGE_SIZE
        return SearchPage(tuple(hits[start : start + PAGE_SIZE]), page, len(hits))


def availability(book: Book, loans: Iterable[Loan]) -> Availability:
    """Copies on the shelf, and when the first one comes back if none is."""
    due_dates = sorted(loan.due_date for loan in loans if loan.book_id == book.book_id and loan.active)
    available = max(0, book.copies - len(due_dates))
    next_due = due_dates[0] if due_dates and available == 0 else None
    return Availability(book.book_id, available, next_due)


def _isbn_matcher(text: str) -> Callable[[Book], bool]:
    # A 13-digit query is an ISBN lookup; a wrong check digit is a typo to report, not words.
    if not is_valid_isbn13(text):
        raise LendingError("INVALID_ISBN", f"{text!r} is not a valid ISBN-13")
    wanted = normalize_isbn(text)
    return lambda book: book.isbn == wanted


def _text_matcher(text: str) -> Callable[[Book], bool]:
    needle = text.casefold()
    return lambda book: needle in book.title.casefold() or needle in book.author.casefold()
