import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RooftopAPI
import RooftopModel
import RooftopStore
import Testing

/// Duplicate customers over REST: 409 on create with the candidate, the review queue, dismiss and confirm.
@Suite struct DuplicateAPITests {
    typealias API = CustomerAPITests

    static let dana: JSONValue = ["firstName": "Dana", "lastName": "Whitfield", "email": "dana.whitfield@example.com",
                                  "demographicInfo": ["birthDate": "1971-05-02"],
                                  "phoneNumbers": [["number": "(480) 555-0101", "type": "Mobile"]],
                                  "addresses": [["street": "77 Cactus Road", "city": "Phoenix", "postalCode": "85020"]]]
    /// The same person typed at another desk: upper case, a surname typo, the phone in another format.
    static let danaAgain: JSONValue = ["firstName": "DANA", "lastName": "Whitfeld", "email": "dana.whitfield@example.com",
                                       "phoneNumbers": [["number": "480.555.0101", "type": "Mobile"]],
                                       "addresses": [["street": "77 Cactus Rd", "city": "Phoenix", "postalCode": "85020"]]]
    /// The spouse: same address and home phone, her own first name, birth date, e-mail and mobile.
    static let spouse: JSONValue = ["firstName": "Morgan", "lastName": "Whitfield", "email": "morgan.w@example.org",
                                    "demographicInfo": ["birthDate": "1969-11-30"],
                                    "phoneNumbers": [["number": "480 555 0102", "type": "Mobile"]],
                                    "addresses": [["street": "77 Cactus Road", "city": "Phoenix", "postalCode": "85020"]]]

    func post(_ client: any TestClientProtocol, _ uri: String, _ body: JSONValue) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: [.contentType: "application/json"],
                                 body: ByteBuffer(data: try JSONEncoder().encode(body)))
    }

    @Test func aConfidentDuplicateIsRefusedWithTheCandidateUnlessAllowed() async throws {
        try await API.withAPI { client, replica in
            let created = try await post(client, "/api/crm/customers", Self.dana)
            #expect(created.status == .created)
            let id = try #require(try API.body(created)["id"])
            let spouse = try await post(client, "/api/crm/customers", Self.spouse)
            #expect(spouse.status == .created, "a household member is not a duplicate: \(String(buffer: spouse.body))")

            let again = try await post(client, "/api/crm/customers", Self.danaAgain)
            #expect(again.status == .conflict)
            #expect(again.headers[.contentType] == "application/problem+json")
            let problem = try API.body(again)
            #expect(problem["code"] == "DUPLICATE_CUSTOMER")
            guard case .array(let duplicates)? = problem["duplicates"], case .object(let first)? = duplicates.first else {
                Issue.record("no duplicates member: \(problem)")
                return
            }
            #expect(first["customerId"] == id)
            guard case .object(let candidate)? = first["customer"] else { Issue.record("no candidate record: \(first)"); return }
            #expect(candidate["id"] == id && candidate["lastName"] == "Whitfield", "the candidate as it reads now")
            guard case .array(let matched)? = first["matched"] else { Issue.record("no matched fields"); return }
            #expect(matched.contains("email") && matched.contains("phone"))
            #expect(try replica.customerCount() == 2, "nothing was written")

            let forced = try await post(client, "/api/crm/customers?allowDuplicate=true", Self.danaAgain)
            #expect(forced.status == .created)
            let bad = try await post(client, "/api/crm/customers?allowDuplicate=maybe", Self.danaAgain)
            #expect(bad.status == .badRequest)
            #expect(try replica.customerCount() == 3)
        }
    }

    @Test func spousesSharingAnUntypedPhoneAreNotRefused() async throws {
        try await API.withAPI { client, _ in
            let maria: JSONValue = ["firstName": "Maria", "lastName": "Lopez", "demographicInfo": ["birthDate": "1975-06-01"],
                                    "phoneNumbers": [["number": "(206) 555-0100"], ["number": "(206) 555-0111"]]]
            let carlos: JSONValue = ["firstName": "Carlos", "lastName": "Lopez", "email": "carlos.lopez@example.com",
                                     "demographicInfo": ["birthDate": "1973-02-11"],
                                     "phoneNumbers": [["number": "206-555-0100"], ["number": "206-555-0122"]]]
            #expect(try await post(client, "/api/crm/customers", maria).status == .created)
            let second = try await post(client, "/api/crm/customers", carlos)
            #expect(second.status == .created, "\(String(buffer: second.body))")
        }
    }

    @Test func theScanQueuesThePairAndReviewersDismissOrConfirm() async throws {
        try await API.withAPI { client, replica in
            let a = try API.body(try await post(client, "/api/crm/customers", Self.dana))["id"]!
            let b = try API.body(try await post(client, "/api/crm/customers?allowDuplicate=true", Self.danaAgain))["id"]!
            _ = try await post(client, "/api/crm/customers", Self.spouse)
            let scan = try await post(client, "/api/crm/duplicates/scan", [:])
            #expect(scan.status == .ok)
            #expect(try API.body(scan)["queued"] == .number(1), "\(String(buffer: scan.body))")

            let list = try await client.execute(uri: "/api/crm/duplicates", method: .get)
            #expect(list.status == .ok)
            guard case .array(let items)? = try API.body(list)["items"], case .object(let item)? = items.first else {
                Issue.record("empty queue")
                return
            }
            #expect(items.count == 1)
            #expect(Set([a, b]) == Set({ if case .array(let ids)? = item["customerIds"] { return ids } else { return [] } }()))
            #expect(item["autoMerge"] == .bool(true))
            guard case .array(let customers)? = item["customers"] else { Issue.record("no customers"); return }
            #expect(customers.count == 2)
            // The pairs a reviewer must decide, apart from those the auto-merge class holds.
            let reviewOnly = try API.body(try await client.execute(uri: "/api/crm/duplicates?autoMerge=false", method: .get))
            #expect(reviewOnly["items"] == [])
            let confidentOnly = try API.body(try await client.execute(uri: "/api/crm/duplicates?autoMerge=true", method: .get))
            #expect({ if case .array(let found)? = confidentOnly["items"] { return found.count } else { return -1 } }() == 1)
            #expect(try await client.execute(uri: "/api/crm/duplicates?autoMerge=maybe", method: .get).status == .badRequest)

            // Confirming merges them: the queue empties, one customer remains of the two.
            let confirm = try await post(client, "/api/crm/duplicates/confirm", ["customerIds": [a, b], "mergedBy": "maria"])
            #expect(confirm.status == .ok, "\(String(buffer: confirm.body))")
            let after = try API.body(try await client.execute(uri: "/api/crm/duplicates", method: .get))
            #expect(after["items"] == [])
            #expect(try replica.customerCount() == 2)

            // Dismissing the spouse pair (not queued, but staff may still say so) is recorded; a pair with itself is a conflict.
            let bad = try await post(client, "/api/crm/duplicates/dismiss", ["customerIds": [a]])
            #expect(bad.status == .badRequest)
            let same = try await post(client, "/api/crm/duplicates/dismiss", ["customerIds": [a, b]])
            #expect(same.status == .conflict, "a and b are one customer now")
        }
    }

    @Test func aDismissedPairLeavesTheQueueAndIsNotQueuedAgain() async throws {
        try await API.withAPI { client, _ in
            let a = try API.body(try await post(client, "/api/crm/customers", Self.dana))["id"]!
            let b = try API.body(try await post(client, "/api/crm/customers?allowDuplicate=true", Self.danaAgain))["id"]!
            _ = try await post(client, "/api/crm/duplicates/scan", [:])
            let dismiss = try await post(client, "/api/crm/duplicates/dismiss", ["customerIds": [b, a], "decidedBy": "maria", "note": "twins"])
            #expect(dismiss.status == .ok, "\(String(buffer: dismiss.body))")
            let decision = try API.body(dismiss)
            #expect(decision["dismissed"] == .bool(true))
            #expect(try API.body(try await client.execute(uri: "/api/crm/duplicates", method: .get))["items"] == [])
            let rescan = try API.body(try await post(client, "/api/crm/duplicates/scan", [:]))
            #expect(rescan["queued"] == .number(0) && rescan["dismissed"] == .number(1))
            let decisions = try API.body(try await client.execute(uri: "/api/crm/duplicate-decisions", method: .get))
            guard case .array(let rows)? = decisions["items"] else { Issue.record("no decisions"); return }
            #expect(rows.count == 1)
        }
    }

    @Test func nameOnlyTwinsAndSpousesAreQueuedForReviewNotAutoMerge() async throws {
        try await API.withAPI { client, _ in
            // Two records with one common name and nothing else, and two spouses sharing a surname and an untyped phone.
            let john: JSONValue = ["firstName": "John", "lastName": "Smith"]
            let maria: JSONValue = ["firstName": "Maria", "lastName": "Lopez", "phoneNumbers": [["number": "(206) 555-0100"]]]
            let carlos: JSONValue = ["firstName": "Carlos", "lastName": "Lopez", "phoneNumbers": [["number": "206-555-0100"]]]
            for body in [john, john, maria, carlos] {
                #expect(try await post(client, "/api/crm/customers?allowDuplicate=true", body).status == .created)
            }
            _ = try await post(client, "/api/crm/duplicates/scan", [:])
            guard case .array(let items)? = try API.body(try await client.execute(uri: "/api/crm/duplicates", method: .get))["items"] else {
                Issue.record("no items")
                return
            }
            #expect(!items.isEmpty, "the Smith pair is at least worth a review")
            for case .object(let item) in items {
                #expect(item["autoMerge"] == .bool(false), "\(item["matched"] ?? .null) must be left to a reviewer")
            }
        }
    }

    @Test func confirmingADismissedPairIsRefusedUnlessOverridden() async throws {
        try await API.withAPI { client, replica in
            let a = try API.body(try await post(client, "/api/crm/customers", Self.dana))["id"]!
            let b = try API.body(try await post(client, "/api/crm/customers?allowDuplicate=true", Self.danaAgain))["id"]!
            _ = try await post(client, "/api/crm/duplicates/dismiss", ["customerIds": [a, b], "decidedBy": "maria", "note": "twins"])
            // Dismissed again by someone else: the first decision and its note stay (found in a user trial).
            let again = try API.body(try await post(client, "/api/crm/duplicates/dismiss", ["customerIds": [a, b], "decidedBy": "sam", "note": "again"]))
            #expect(again["decidedBy"] == "maria" && again["note"] == "twins")
            let refused = try await post(client, "/api/crm/duplicates/confirm", ["customerIds": [a, b], "mergedBy": "lee"])
            #expect(refused.status == .conflict)
            #expect(refused.headers[.contentType] == "application/problem+json")
            let detail = try API.body(refused)["detail"]
            #expect(detail.map { "\($0)".contains("maria") && "\($0)".contains("twins") } == true, "\(String(buffer: refused.body))")
            #expect(try replica.customerCount() == 2, "nothing merged")
            let bad = try await post(client, "/api/crm/duplicates/confirm", ["customerIds": [a, b], "overrideDismissal": "yes"])
            #expect(bad.status == .badRequest)

            let merged = try await post(client, "/api/crm/duplicates/confirm",
                                        ["customerIds": [a, b], "mergedBy": "lee", "note": "same licence", "overrideDismissal": true])
            #expect(merged.status == .ok, "\(String(buffer: merged.body))")
            guard case .object(let merge)? = try API.body(merged)["merge"] else { Issue.record("no merge"); return }
            #expect(merge["reason"] == "same licence")
            #expect(try replica.customerCount() == 1)
            // The pair's decision reads as what happened, naming the dismissal it overrode.
            let decisions = try API.body(try await client.execute(uri: "/api/crm/duplicate-decisions", method: .get))
            guard case .array(let items)? = decisions["items"], case .object(let decision)? = items.first else { Issue.record("no decision: \(decisions)"); return }
            #expect(decision["dismissed"] == .bool(false) && decision["decidedBy"] == "lee")
            #expect(decision["note"] == "confirmed over the dismissal by maria (\"twins\"): same licence")
        }
    }
}
