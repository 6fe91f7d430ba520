"""Who a message is for. Built from the record the event is about; only that person's own
address, phone and language travel with it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Recipient:
    key: str  # stable identity for idempotency: "user:5", "member:7", "enrolment:9", "order:12"
    name: str = ""
    email: str = ""
    phone: str = ""
    language: str = "km"
    user_id: int | None = None
    member_id: int | None = None

    @classmethod
    def for_member(cls, member) -> "Recipient":
        user = member.user
        return cls(
            key=f"member:{member.pk}",
            name=member.name_km or member.name_latin,
            email=(user.email if user else "") or "",
            phone=member.phone or (user.phone if user else ""),
            language=(user.preferred_language if user else "km") or "km",
            user_id=user.pk if user else None,
            member_id=member.pk,
        )

    @classmethod
    def for_user(cls, user) -> "Recipient":
        member = getattr(user, "member", None) if hasattr(user, "member") else None
        return cls(
            key=f"user:{user.pk}",
            name=user.get_full_name() or user.get_username(),
            email=user.email or "",
            phone=user.phone or "",
            language=user.preferred_language or "km",
            user_id=user.pk,
            member_id=member.pk if member else None,
        )

    @classmethod
    def for_order_buyer(cls, order) -> "Recipient":
        return cls(
            key=f"order:{order.pk}",
            name=order.buyer_name,
            email=order.buyer_email,
            phone=order.buyer_phone,
            language=order.language or "km",
            user_id=order.buyer_id,
        )

    @classmethod
    def for_enrolment(cls, enrolment) -> "Recipient":
        return cls(
            key=f"enrolment:{enrolment.pk}",
            name=enrolment.name,
            email=enrolment.email,
            phone=enrolment.phone,
            language=getattr(enrolment, "language", "") or "km",  # the language she enrolled in
            user_id=enrolment.user_id,
            member_id=enrolment.member_id,
        )

    @classmethod
    def for_quote(cls, quote) -> "Recipient":
        return cls(
            key=f"quote:{quote.pk}",
            name=quote.name,
            email=quote.email,
            phone=quote.phone,
            language="km",
            user_id=quote.user_id,
        )
