import Foundation

extension String {
    /// The text without leading and trailing white space and newlines (Unicode `White_Space`, as
    /// Foundation's `trimmingCharacters(in: .whitespacesAndNewlines)`). Text that starts and ends with
    /// a visible ASCII character (nearly every value typed or imported) is returned as it is without
    /// going through Foundation, which costs more on Linux than the rest of a field's validation.
    public var trimmedWhitespace: String {
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x7F, last > 0x20, last < 0x7F { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
