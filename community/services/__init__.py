"""Services: the domain operations. Each works on the session it is given; the caller owns the
transaction, so that one incoming message is handled all-or-nothing."""
