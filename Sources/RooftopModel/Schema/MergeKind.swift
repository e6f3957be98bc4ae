/// How the rows of an entity merge across replicas (`sync-protocol/merge-rules.md`), declared on
/// the schema so that the apply path, the API and the documentation follow from it.
public enum MergeKind: String, Hashable, Sendable {
    /// Each field is a last-writer-wins register ordered by `(HLC, origin)`; deletes are
    /// tombstones with a causal context (`merge-rules.md#lww-fields`).
    case lww
    /// Rows are events: inserted once and never updated (a changeset updating one is rejected
    /// whole). Values derived from them (a balance, a history) replay the events in `(HLC, origin)` order.
    case appendOnly
    /// Each row is one element of an add-wins set (`merge-rules.md#add-wins-set`): every add
    /// inserts its own element row; a remove sets `removed` on the element rows it has seen, so an
    /// add the remover had not seen survives.
    case addWinsElement
}
