/// Normalises e-mail addresses: trimmed, lower-cased, and checked for the `local@domain.tld`
/// shape (RFC 5322 addr-spec, without quoted local parts or comments).
public enum EmailAddress {
    /// - Returns: the normalised address, or nil when it is not of the accepted shape.
    public static func normalise(_ input: String) -> String? {
        let value = input.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard value.utf8.count <= 254, parts.count == 2 else { return nil }
        let local = parts[0], domain = parts[1]
        guard (1...64).contains(local.utf8.count), domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."),
            !domain.contains("..")
        else { return nil }
        guard local.utf8.allSatisfy({ allowedLocal.contains($0) }), domain.utf8.allSatisfy({ allowedDomain.contains($0) }) else { return nil }
        return value
    }

    private static let allowedLocal = Set("abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-".utf8)
    private static let allowedDomain = Set("abcdefghijklmnopqrstuvwxyz0123456789.-".utf8)
}
