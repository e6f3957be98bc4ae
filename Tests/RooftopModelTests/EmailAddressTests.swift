import RooftopModel
import Testing

@Suite("EmailAddress")
struct EmailAddressTests {
    @Test(arguments: [
        ("Ana.Example@Example.com ", "ana.example@example.com"),
        ("  FLEET@EXAMPLE-PLUMBING.EXAMPLE.COM\n", "fleet@example-plumbing.example.com"),
        ("jose.munoz@example.com", "jose.munoz@example.com"),
        ("o'brien+crm@mail.example.org", "o'brien+crm@mail.example.org"),
        ("first_last-1@sub.domain.example", "first_last-1@sub.domain.example"),
    ])
    func addressesAreTrimmedAndLowerCased(input: String, expected: String) {
        #expect(EmailAddress.normalise(input) == expected)
    }

    @Test(arguments: [
        "",
        "   ",
        "ana",
        "ana@",
        "@example.com",
        "ana@example",  // no dot in the domain
        "ana@@example.com",
        "ana@b@example.com",
        "ana@.example.com",
        "ana@example.com.",
        "ana@example..com",
        "ana example@example.com",
        "\"ana\"@example.com",  // quoted local parts are not accepted
        "ana@exa_mple.com",
        "ana@exämple.com",
        "ana(comment)@example.com",
    ])
    func malformedAddressesAreRejected(input: String) {
        #expect(EmailAddress.normalise(input) == nil)
    }

    @Test func localPartIsLimitedTo64Octets() {
        let local64 = String(repeating: "a", count: 64)
        #expect(EmailAddress.normalise("\(local64)@example.com") == "\(local64)@example.com")
        #expect(EmailAddress.normalise("\(local64)a@example.com") == nil)
    }

    @Test func wholeAddressIsLimitedTo254Octets() {
        // 64 + 1 + 189 = 254 octets.
        let local = String(repeating: "a", count: 64)
        let domain254 = String(repeating: "b", count: 185) + ".com"
        #expect(EmailAddress.normalise("\(local)@\(domain254)") != nil)
        #expect(EmailAddress.normalise("\(local)@b\(domain254)") == nil)
    }
}
