/// The value of one replicated field: one of SQLite's storage classes.
///
/// Booleans are stored as integers 0/1, dates and timestamps as ISO 8601 text, decimals as
/// text (exact). See `sync-protocol/changeset-format.md#values`.
public enum FieldValue: Hashable, Sendable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// `true` for ``null``.
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The text, when this is ``text(_:)``.
    public var textValue: String? { if case .text(let s) = self { return s } else { return nil } }

    /// The integer, when this is ``integer(_:)``.
    public var integerValue: Int64? { if case .integer(let i) = self { return i } else { return nil } }

    /// `integer(1)` or `integer(0)`.
    public static func bool(_ value: Bool) -> FieldValue { .integer(value ? 1 : 0) }

    /// `text` or `null` when nil.
    public static func optionalText(_ value: String?) -> FieldValue { value.map(FieldValue.text) ?? .null }

    /// `integer` or `null` when nil.
    public static func optionalInteger(_ value: Int64?) -> FieldValue { value.map(FieldValue.integer) ?? .null }

    /// `integer(0/1)` or `null` when nil.
    public static func optionalBool(_ value: Bool?) -> FieldValue { value.map(FieldValue.bool) ?? .null }

    public var description: String {
        switch self {
        case .null: "null"
        case .integer(let v): String(v)
        case .real(let v): String(v)
        case .text(let v): "\"\(v)\""
        case .blob(let v): "blob(\(v.count) bytes)"
        }
    }
}
