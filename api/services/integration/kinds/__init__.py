"""The entity kinds of the integration API, listed in `catalogue.KINDS`.

A kind is usually a `spec.Spec`: its table (`table_of(Model)`), the references its items carry
(`ref(field, lookup, column="column of the looked-up row")`), the columns worked out otherwise (`derive`), its
own checks and its natural key; `Spec.prepare` resolves, checks and builds the rows from that. Organizations,
persons and marks keep a `prepare` of their own (parents inside the batch; who may change a person; the
high-volume marks), built from the same pieces.
"""
