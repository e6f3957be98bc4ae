/// Normalises e-mail addresses: trimmed, lower-cased, and checked for the `local@domain.tld`
/// shape (RFC 5322 addr-spec, without quoted local parts or comments).
public enum EmailAddress {
    /// - Returns: the normalised address, or nil when it is not of the accepted shape.
    public static func normalise(_ input: String) -> String? {
        let value = input.trimmedWhitespace.lowercased()
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard value.utf8.count <= 254, parts.count == 2 else { return nil }
        let local = parts[0], domain = parts[1]
        guard (1...64).contains(local.utf8.count), domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."),
            !domain.contains("..")
        else { return nil }
        guard local.utf8.allSatisfy({ allowedLocal.contains($0) }), domain.utf8.allSatisfy({ allowedDomain.contains($0) }) else { return nil }
        return value
    }

    /// True when `text` is already in normalised form (what ``normalise(_:)`` returns for it):
    /// the check a replica runs on every stored value, without allocating.
    public static func isNormalised(_ text: String) -> Bool {
        var local = 0, domain = 0, ats = 0, domainDots = 0
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "@") {
                ats += 1
                guard ats == 1 else { return false }
            } else if ats == 0 {
                guard localTable[Int(byte)] else { return false }
                local += 1
            } else {
                guard domainTable[Int(byte)] else { return false }
                if byte == UInt8(ascii: ".") {
                    guard domain > 0, previous != UInt8(ascii: ".") else { return false }
                    domainDots += 1
                }
                domain += 1
            }
            previous = byte
        }
        return ats == 1 && (1...64).contains(local) && domainDots > 0 && previous != UInt8(ascii: ".")
            && local + 1 + domain <= 254
    }

    private static let localTable: [Bool] = (0..<256).map { allowedLocal.contains(UInt8($0)) }
    private static let domainTable: [Bool] = (0..<256).map { allowedDomain.contains(UInt8($0)) }
    private static let allowedLocal = Set("abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-".utf8)
    private static let allowedDomain = Set("abcdefghijklmnopqrstuvwxyz0123456789.-".utf8)
}
