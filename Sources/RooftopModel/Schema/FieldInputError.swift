/// A value supplied by staff or an import does not fit its field. Nothing is written.
///
/// ``pointer`` is a JSON Pointer (RFC 6901) into the request body (`/communicationPreferences/optInEmail`).
/// ``reason`` describes the rule, never the rejected value (it may be personal data).
public struct FieldInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public let pointer: String
    public let reason: String

    /// The other problems found in the same input, in pointer order (so a client can fix them all
    /// at once); empty when this is the only one.
    public var additional: [FieldInputError] = []

    public init(pointer: String, reason: String) {
        self.pointer = pointer
        self.reason = reason
    }

    /// Every problem: this one, then ``additional``.
    public var all: [FieldInputError] {
        [FieldInputError(pointer: pointer, reason: reason)] + additional
    }

    /// One error carrying every problem of `errors` (each flattened), or nil when there is none.
    public static func combining(_ errors: [FieldInputError]) -> FieldInputError? {
        let flat = errors.flatMap(\.all)
        guard var first = flat.first else { return nil }
        first.additional = Array(flat.dropFirst())
        return first
    }

    public var description: String {
        "\(pointer): \(reason)" + (additional.isEmpty ? "" : " (and \(additional.count) more: \(additional.map(\.pointer).joined(separator: ", ")))")
    }
}
