/// A value supplied by staff or an import does not fit its field. Nothing is written.
///
/// ``pointer`` is a JSON Pointer (RFC 6901) into the request body (`/communicationPreferences/optInEmail`).
/// ``reason`` describes the rule, never the rejected value (it may be personal data).
public struct FieldInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public let pointer: String
    public let reason: String

    public init(pointer: String, reason: String) {
        self.pointer = pointer
        self.reason = reason
    }

    public var description: String { "\(pointer): \(reason)" }
}
