/// Postal addresses compared as one place whatever the typing: the street with suffixes,
/// directionals and unit designators abbreviated per USPS Publication 28 (``StreetSuffixes``), the
/// postal code without spaces and dashes, the city folded.
public enum PostalAddress {
    /// A street line folded and abbreviated (`12 North Main Street, Apt 4` → `12 n main st apt 4`);
    /// nil when it has no letter or digit.
    public static func street(_ text: String) -> String? {
        let kept = TextFolding.words(TextFolding.fold(text)).map { StreetSuffixes.standard[$0] ?? $0 }
        return kept.isEmpty ? nil : kept.joined(separator: " ")
    }

    /// The house number: the first word of a street line when it holds a digit (`12B Main St` →
    /// `12B`, `12, Oak St` → `12`); nil otherwise (`PO Box 7`, `Main St`).
    public static func houseNumber(_ street: String) -> String? {
        guard let first = street.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).first,
              first.contains(where: \.isNumber) else { return nil }
        return String(first)
    }

    /// A postal code upper-cased without spaces and dashes (`k1a 0b1` → `K1A0B1`; ZIP+4 keeps its
    /// first five digits); nil when nothing is left.
    public static func postalCode(_ text: String) -> String? {
        var code = String(text.uppercased().unicodeScalars.filter { ($0.value >= 0x30 && $0.value <= 0x39) || ($0.value >= 0x41 && $0.value <= 0x5A) })
        if code.count == 9, code.allSatisfy(\.isNumber) { code = String(code.prefix(5)) }
        return code.isEmpty ? nil : code
    }

    /// One key per place: `street|city|postal code`, each normalised as above (the city folded,
    /// without spaces), empty where absent. `12 Main Street, Springfield 62704` and
    /// `12 MAIN ST., springfield 62704-1234` have the same key.
    public static func key(street: String?, city: String?, postalCode: String?) -> String {
        let cityKey = city.map { TextFolding.words(TextFolding.fold($0)).joined() } ?? ""
        return (street.flatMap(Self.street) ?? "") + "|" + cityKey + "|" + (postalCode.flatMap(Self.postalCode) ?? "")
    }
}
