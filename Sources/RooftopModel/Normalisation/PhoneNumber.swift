/// Normalises phone numbers to E.164 (ITU-T E.164: `+` country code and subscriber number,
/// at most 15 digits).
///
/// Accepts the formats lead providers send: `(555) 010-0101`, `+1 555 010 0123`, `555.010.0456`,
/// `5550100102`, `1-555-010-0177`, `+61 2 9999 0000`. A number without `+` is read in the
/// default country (NANP `1` unless told otherwise): 10 digits get the country code, 11 digits
/// starting with the country code keep it.
public enum PhoneNumber {
    /// - Parameters:
    ///   - input: the number as typed.
    ///   - defaultCountryCode: the calling code for numbers written without `+` (default `1`).
    /// - Returns: the E.164 form, or nil when the input is not a plausible phone number.
    public static func e164(_ input: String, defaultCountryCode: String = "1") -> String? {
        let trimmed = input.trimmedWhitespace
        guard !trimmed.isEmpty else { return nil }
        var digits = ""
        for ch in trimmed.unicodeScalars {
            switch ch {
            case "0"..."9": digits.unicodeScalars.append(ch)
            case " ", "-", ".", "(", ")", "/", "\u{00A0}": continue
            case "+" where digits.isEmpty: continue
            default: return nil  // letters, extensions (`x12`) and other marks are not accepted
            }
        }
        let international = trimmed.hasPrefix("+") || trimmed.hasPrefix("00")
        if trimmed.hasPrefix("00") { digits.removeFirst(2) }
        if international {
            guard (8...15).contains(digits.count), digits.first != "0" else { return nil }
            if digits.first == "1" {  // NANP: exactly 10 digits after the 1, valid area code
                guard digits.count == 11, isNANP(String(digits.dropFirst())) else { return nil }
            }
            return "+" + digits
        }
        if defaultCountryCode == "1" {
            if digits.count == 10 { return isNANP(digits) ? "+1" + digits : nil }
            if digits.count == 11, digits.first == "1" { return isNANP(String(digits.dropFirst())) ? "+" + digits : nil }
            return nil
        }
        // Other countries: drop a national trunk 0 and prefix the calling code.
        if digits.first == "0" { digits.removeFirst() }
        let full = defaultCountryCode + digits
        guard (8...15).contains(full.count) else { return nil }
        return "+" + full
    }

    /// NANP: the area code does not start with 0 or 1. (The exchange is not checked: the
    /// fictional 555-01xx numbers used in examples must pass.)
    private static func isNANP(_ ten: String) -> Bool {
        Array(ten.utf8)[0] >= UInt8(ascii: "2")
    }
}
