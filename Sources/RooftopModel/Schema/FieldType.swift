/// How a field is validated, normalised, stored and shown in JSON.
public enum FieldType: Hashable, Sendable {
    /// A UUID, stored as lower-case text.
    case uuid
    /// Free text up to the given number of characters (grapheme clusters) and at most
    /// ``maxTextBytes(forLength:)`` (4 × `maxLength`) bytes of UTF-8 (trimmed, NFC; empty becomes null).
    /// The byte cap stops one character carrying unbounded combining marks.
    case text(maxLength: Int)
    /// One of the design document's enum values, stored exactly as the document spells them.
    case enumeration([String])
    /// JSON true/false, stored as integer 1/0.
    case boolean
    /// A whole number within the range.
    case integer(ClosedRange<Int64>)
    /// An exact decimal (money), JSON number or string, stored as canonical text (`1234.5`).
    case decimal
    /// A calendar date `YYYY-MM-DD` (ISO 8601).
    case date
    /// An instant (ISO 8601 / RFC 3339 with offset), stored in UTC as `YYYY-MM-DDTHH:MM:SS.sssZ`.
    case dateTime
    /// An e-mail address, stored trimmed and lower-case.
    case email
    /// A phone number, stored in E.164 (`+15550100123`).
    case phone
    /// A vehicle identification number (ISO 3779), stored upper-case.
    case vin
    /// An absolute `http` or `https` URL (RFC 3986) of at most 2,048 bytes, stored as given (trimmed).
    case url
    /// A JSON object (RFC 8259) of at most ``maxJSONBytes`` bytes, stored as canonical text
    /// (sorted keys, no insignificant white space): a segment's `criteria`, a campaign's `filterCriteria`.
    /// Replicated as one LWW register: the whole object is one value.
    case jsonObject
    /// A JSON array of up to `maxCount` values of `element` (text, UUID, URL), stored as canonical JSON
    /// text with duplicates removed in first-seen order. One LWW register: the whole list is one value
    /// (`Customer.tags` is an add-wins set instead, see `sync-protocol/merge-rules.md`).
    indirect case list(FieldType, maxCount: Int)

    /// The largest stored ``jsonObject``: 16 KiB of canonical JSON.
    public static let maxJSONBytes = 16_384

    /// The most UTF-8 bytes a text field of `maxLength` characters may hold: 4 × `maxLength`
    /// (every Unicode scalar fits in 4 bytes, so ordinary text of `maxLength` scalars always passes).
    public static func maxTextBytes(forLength maxLength: Int) -> Int { 4 * maxLength }

    /// The SQLite column type used for this field.
    public var sqlType: String {
        switch self {
        case .boolean, .integer: "INTEGER"
        default: "TEXT"
        }
    }
}
