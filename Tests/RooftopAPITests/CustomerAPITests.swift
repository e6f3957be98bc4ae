import Foundation
import Hummingbird
import HummingbirdTesting
import RooftopAPI
import RooftopModel
import RooftopReplication
import RooftopStore
import RooftopSync
import RooftopTesting
import Testing
import RooftopHTTP

/// The staff REST API over real HTTP on loopback (`.live`), against an on-disk replica.
@Suite struct CustomerAPITests {
    static func withAPI(_ test: @escaping @Sendable (any TestClientProtocol, Replica) async throws -> Void) async throws {
        let t = try TestReplica()
        defer { t.remove() }
        let app = Application(router: RooftopAPI.router(replica: t.replica))
        try await app.test(.live) { client in try await test(JSONTestClient(base: client), t.replica) }
    }

    /// A client as staff tools send requests: a request with a body says it is JSON unless the test
    /// says otherwise (the API refuses other bodies, `BrowserGuardMiddleware`).
    struct JSONTestClient: TestClientProtocol {
        let base: any TestClientProtocol
        var port: Int? { base.port }
        func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
            var headers = headers
            if body != nil && headers[.contentType] == nil { headers[.contentType] = "application/json" }
            return try await base.executeRequest(uri: uri, method: method, headers: headers, body: body)
        }
    }

    static func json(_ object: [String: JSONValue]) throws -> ByteBuffer { ByteBuffer(data: try JSONValue.object(object).encoded()) }

    static func body(_ response: TestResponse) throws -> [String: JSONValue] {
        try #require(try JSONDecoder().decode(JSONValue.self, from: Data(buffer: response.body)).objectValue)
    }

    static func problem(_ response: TestResponse) throws -> ProblemDetails {
        #expect(response.headers[.contentType] == "application/problem+json")
        return try JSONDecoder().decode(ProblemDetails.self, from: Data(buffer: response.body))
    }

    static let ana: [String: JSONValue] = [
        "firstName": .string("Ana"), "lastName": .string("Example"), "email": .string(" Ana.Example@Example.com "),
        "communicationPreferences": .object(["optInEmail": .bool(true), "preferredMethod": .string("email")]),
        "demographicInfo": .object(["birthDate": .string("1990-02-28")]),
        "phoneNumbers": .array([.object(["type": .string("Mobile"), "number": .string("(555) 010-0101")])]),
        "addresses": .array([.object(["city": .string("Springfield"), "state": .string("IL")])]),
    ]

    @Test func createAnswers201WithTheDesignDocumentShape() async throws {
        try await Self.withAPI { client, _ in
            let response = try await client.execute(uri: "/api/crm/customers", method: .post, body: try Self.json(Self.ana))
            #expect(response.status == .created)
            let customer = try Self.body(response)
            let id = try #require(customer["id"]?.stringValue)
            #expect(response.headers[.location] == "/api/crm/customers/\(id)")
            #expect(customer["email"] == .string("ana.example@example.com"))
            #expect(customer["status"] == .string("Prospect"))
            let preferences = try #require(customer["communicationPreferences"]?.objectValue)
            #expect(preferences["optInEmail"] == .bool(true))
            #expect(preferences["preferredMethod"] == .string("Email"))
            #expect(preferences["doNotContact"] == .null)
            #expect(customer["demographicInfo"]?.objectValue?["birthDate"] == .string("1990-02-28"))
            let phone = try #require(customer["phoneNumbers"]?.arrayValue?.first?.objectValue)
            #expect(phone["number"] == .string("+15550100101"))
            #expect(phone["primary"] == .bool(true))
            #expect(phone["id"]?.stringValue.flatMap(RowID.init) != nil)
            #expect(customer["addresses"]?.arrayValue?.count == 1)

            let fetched = try await client.execute(uri: "/api/crm/customers/\(id)", method: .get)
            #expect(fetched.status == .ok)
            #expect(try Self.body(fetched) == customer)
        }
    }

    @Test func invalidFieldIsA400ProblemNamingItsPointerAndNothingIsWritten() async throws {
        try await Self.withAPI { client, replica in
            var bad = Self.ana
            bad["communicationPreferences"] = .object(["optInEmail": .string("yes")])
            let response = try await client.execute(uri: "/api/crm/customers", method: .post, body: try Self.json(bad))
            #expect(response.status == .badRequest)
            let problem = try Self.problem(response)
            #expect(problem.code == "VALIDATION")
            #expect(problem.errors?.first?.pointer == "/communicationPreferences/optInEmail")
            #expect(try replica.customerCount() == 0)
        }
    }

    @Test(arguments: [
        ("not json at all", "MALFORMED_JSON"), ("[1, 2]", "MALFORMED_JSON"), (#"{"shoeSize": 9}"#, "VALIDATION"),
        (#"{"lastName": 7}"#, "VALIDATION"), (#"{"email": "x@y.co"}"#, "VALIDATION"), (#"{"lastName": "A", "phoneNumbers": [{"number": "call me"}]}"#, "VALIDATION"),
    ])
    func badBodiesAre400Problems(_ body: String, _ code: String) async throws {
        try await Self.withAPI { client, replica in
            let response = try await client.execute(uri: "/api/crm/customers", method: .post, body: ByteBuffer(string: body))
            #expect(response.status == .badRequest)
            #expect(try Self.problem(response).code == code)
            #expect(try replica.customerCount() == 0)
        }
    }

    @Test func unknownCustomerIs404AndAMalformedIdIs400() async throws {
        try await Self.withAPI { client, _ in
            let missing = try await client.execute(uri: "/api/crm/customers/\(RowID.v7(milliseconds: 1))", method: .get)
            #expect(missing.status == .notFound)
            #expect(try Self.problem(missing).code == "NOT_FOUND")
            let malformed = try await client.execute(uri: "/api/crm/customers/not-a-uuid", method: .get)
            #expect(malformed.status == .badRequest)
            let route = try await client.execute(uri: "/api/crm/nothing-here", method: .get)
            #expect(route.status == .notFound)
            #expect(try Self.problem(route).code == "NOT_FOUND")
            let put = try await client.execute(uri: "/api/crm/customers/\(RowID.v7(milliseconds: 1))", method: .put,
                                               headers: [.ifMatch: "\"0123\""], body: try Self.json(["notes": .string("x")]))
            #expect(put.status == .notFound)
        }
    }

    /// One phone or address is removed (a tombstone); the others and the customer stay.
    @Test func onePhoneIsRemovedAndTheRestStay() async throws {
        try await Self.withAPI { client, replica in
            var body = Self.ana
            body["phoneNumbers"] = .array([.object(["number": .string("(555) 010-0101")]), .object(["number": .string("(555) 010-0102")])])
            let created = try Self.body(try await client.execute(uri: "/api/crm/customers", method: .post, body: try Self.json(body)))
            let id = try #require(created["id"]?.stringValue)
            let phones = try #require(created["phoneNumbers"]?.arrayValue)
            let first = try #require(phones.first?.objectValue?["id"]?.stringValue), second = try #require(phones.last?.objectValue?["id"]?.stringValue)
            let other = try Self.body(try await client.execute(uri: "/api/crm/customers", method: .post, body: try Self.json(["lastName": .string("Ng")])))
            let otherID = try #require(other["id"]?.stringValue)
            // Not this customer's phone: 404, nothing removed.
            #expect(try await client.execute(uri: "/api/crm/customers/\(otherID)/phoneNumbers/\(first)", method: .delete).status == .notFound)
            #expect(try await client.execute(uri: "/api/crm/customers/\(id)/phoneNumbers/\(first)", method: .delete).status == .noContent)
            #expect(try await client.execute(uri: "/api/crm/customers/\(id)/phoneNumbers/\(first)", method: .delete).status == .gone)  // removed already
            let after = try Self.body(try await client.execute(uri: "/api/crm/customers/\(id)", method: .get))
            #expect(after["phoneNumbers"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } == [second])
            #expect(try replica.customerCount() == 2)
        }
    }

    /// Every bad value of a body is reported at once, each with its JSON Pointer.
    @Test func everyInvalidFieldIsReportedInOneProblem() async throws {
        try await Self.withAPI { client, replica in
            let response = try await client.execute(uri: "/api/crm/customers", method: .post, body: try Self.json([
                "firstName": .number(5), "leadScore": .string("high"), "email": .string("x"), "lastName": .string("Ng"),
                "phoneNumbers": .array([.object(["number": .string("not a phone")])]),
            ]))
            #expect(response.status == .badRequest)
            let problem = try Self.problem(response)
            #expect(problem.code == "VALIDATION")
            #expect(problem.errors?.map(\.pointer) == ["/email", "/firstName", "/leadScore", "/phoneNumbers/0/number"])
            #expect(try replica.customerCount() == 0)
        }
    }

    /// RFC 9110 §15.5.6: a path that exists but not for the method is 405 with `Allow`.
    @Test func anUnsupportedMethodOnAKnownPathIs405WithAllow() async throws {
        try await Self.withAPI { client, replica in
            let collection = try await client.execute(uri: "/api/crm/customers", method: .put, body: try Self.json(["notes": .string("x")]))
            #expect(collection.status == .methodNotAllowed)
            #expect(collection.headers[.allow] == "GET, POST")
            #expect(collection.headers[.contentType] == "application/problem+json")
            #expect(try Self.problem(collection).code == "METHOD_NOT_ALLOWED")
            let one = try await client.execute(uri: "/api/crm/customers/\(RowID.v7(milliseconds: 1))", method: .post)
            #expect(one.status == .methodNotAllowed)
            #expect(one.headers[.allow] == "DELETE, GET, PATCH, PUT")
            #expect(try await client.execute(uri: "/api/crm/nothing-here", method: .patch).status == .notFound)
            // A constant path beside a parameter one (`/leads/adf`, `/leads/{id}`) allows only its own methods.
            let adf = try await client.execute(uri: "/api/crm/leads/adf", method: .get)
            #expect(adf.status == .methodNotAllowed && adf.headers[.allow] == "POST")
            #expect(try replica.customerCount() == 0)
        }
    }

    @Test func putChangesOnlyTheGivenFieldsAndNullClears() async throws {
        try await Self.withAPI { client, replica in
            let post = try await client.execute(uri: "/api/crm/customers", method: .post, body: try Self.json(Self.ana))
            let created = try Self.body(post)
            let id = try #require(created["id"]?.stringValue)
            let before = try #require(try replica.customer(id: RowID(id)!)).customer
            let response = try await client.execute(uri: "/api/crm/customers/\(id)", method: .put, headers: [.ifMatch: try #require(post.headers[.eTag])],
                                                    body: try Self.json(["notes": .string("VIP"), "email": .null]))
            #expect(response.status == .ok)
            let updated = try Self.body(response)
            #expect(updated["notes"] == .string("VIP"))
            #expect(updated["email"] == .null)
            #expect(updated["firstName"] == .string("Ana"))
            let after = try #require(try replica.customer(id: RowID(id)!)).customer
            #expect(after.stamps["firstName"] == before.stamps["firstName"])
            // The whole fetched record sent back unchanged writes nothing.
            let hlc = try replica.currentHLC()
            let same = try await client.execute(uri: "/api/crm/customers/\(id)", method: .put, headers: [.ifMatch: try #require(response.headers[.eTag])],
                                                body: try Self.json(updated))
            #expect(same.status == .ok)
            #expect(try replica.currentHLC() == hlc)
        }
    }

    @Test func searchByNameEmailAndPhone() async throws {
        try await Self.withAPI { client, _ in
            _ = try await client.execute(uri: "/api/crm/customers", method: .post, body: try Self.json(Self.ana))
            _ = try await client.execute(uri: "/api/crm/customers", method: .post, body: try Self.json(["lastName": .string("Sample")]))
            for q in ["ana", "ana.example%40", "555-010-0101"] {
                let response = try await client.execute(uri: "/api/crm/customers?q=\(q)", method: .get)
                #expect(response.status == .ok)
                let items = try #require(try Self.body(response)["items"]?.arrayValue)
                #expect(items.count == 1, "q=\(q)")
                #expect(items.first?.objectValue?["lastName"] == .string("Example"))
            }
            let all = try Self.body(try await client.execute(uri: "/api/crm/customers?limit=1", method: .get))
            #expect(all["items"]?.arrayValue?.count == 1)
            let next = try #require(all["nextCursor"]?.stringValue)
            let page2 = try Self.body(try await client.execute(uri: "/api/crm/customers?limit=1&cursor=\(next)", method: .get))
            #expect(page2["items"]?.arrayValue?.count == 1)
            #expect(page2["items"] != all["items"])
            let badLimit = try await client.execute(uri: "/api/crm/customers?limit=0", method: .get)
            #expect(badLimit.status == .badRequest)
        }
    }

    /// A query string that is not percent-encoding (`%zz`, a lone `%`, bytes that are not UTF-8) is a
    /// 400 problem naming the escape, not a search for the characters as typed.
    @Test func aMalformedPercentEscapeInTheQueryIsA400Problem() async throws {
        try await Self.withAPI { client, _ in
            _ = try await client.execute(uri: "/api/crm/customers", method: .post, body: try Self.json(["lastName": .string("Sample%zz")]))
            for (query, escape) in [("q=Sample%zz", "'%zz'"), ("q=100%", "'%'"), ("limit=5&q=%e", "'%e'"), ("q=%FF%FE", "not UTF-8")] {
                let response = try await client.execute(uri: "/api/crm/customers?\(query)", method: .get)
                #expect(response.status == .badRequest, "\(query)")
                let problem = try Self.problem(response)
                #expect(problem.code == "INVALID_QUERY")
                #expect(problem.detail?.contains(escape) == true, "\(query): \(problem.detail ?? "")")
            }
            // Well-encoded: a literal % is %25, and UTF-8 escapes decode.
            let found = try await client.execute(uri: "/api/crm/customers?q=Sample%25zz", method: .get)
            #expect(found.status == .ok)
            #expect(try Self.body(found)["items"]?.arrayValue?.count == 1)
            #expect(try await client.execute(uri: "/api/crm/customers?q=Mu%C3%B1oz", method: .get).status == .ok)
        }
    }

    @Test func interactionsAreRecordedForExistingCustomersAndListedNewestFirst() async throws {
        try await Self.withAPI { client, _ in
            let created = try Self.body(try await client.execute(uri: "/api/crm/customers", method: .post, body: try Self.json(Self.ana)))
            let id = try #require(created["id"]?.stringValue)
            for (date, subject) in [("2026-10-01T10:00:00Z", "first"), ("2026-10-02T09:00:00-05:00", "second")] {
                let response = try await client.execute(uri: "/api/crm/interactions", method: .post, body: try Self.json([
                    "customerId": .string(id), "type": .string("Call"), "direction": .string("Inbound"),
                    "interactionDate": .string(date), "subject": .string(subject),
                ]))
                #expect(response.status == .created)
                let location = try #require(response.headers[.location])
                let fetched = try await client.execute(uri: location, method: .get)
                #expect(fetched.status == .ok)
                #expect(try Self.body(fetched)["subject"] == .string(subject))
            }
            let list = try Self.body(try await client.execute(uri: "/api/crm/customers/\(id)/interactions", method: .get))
            let subjects = try #require(list["items"]?.arrayValue).compactMap { $0.objectValue?["subject"]?.stringValue }
            #expect(subjects == ["second", "first"])
            let orphan = try await client.execute(uri: "/api/crm/interactions", method: .post, body: try Self.json([
                "customerId": .string(RowID.v7(milliseconds: 1).string), "type": .string("Call"),
            ]))
            #expect(orphan.status == .notFound)
            let badType = try await client.execute(uri: "/api/crm/interactions", method: .post, body: try Self.json([
                "customerId": .string(id), "type": .string("Pigeon"),
            ]))
            #expect(badType.status == .badRequest)
        }
    }

    @Test func syncStatusAnswersWithoutAHub() async throws {
        try await Self.withAPI { client, _ in
            _ = try await client.execute(uri: "/api/crm/customers", method: .post, body: try Self.json(Self.ana))
            let response = try await client.execute(uri: "/api/sync/status", method: .get)
            #expect(response.status == .ok)
            let status = try JSONDecoder().decode(SyncStatus.self, from: Data(buffer: response.body))
            #expect(status.rooftop.rawValue == "north")
            #expect(status.pendingChanges == 3)  // one change per row: customer, phone, address
            #expect(status.lastSyncAt == nil)
        }
    }

    @Test func staleFullRecordPutWithIfMatchIsRefusedAndResetsNothing() async throws {
        try await Self.withAPI { client, _ in
            let created = try Self.body(try await client.execute(uri: "/api/crm/customers", method: .post, body: try Self.json(Self.ana)))
            let id = try #require(created["id"]?.stringValue)
            let read = try await client.execute(uri: "/api/crm/customers/\(id)", method: .get)
            let tag = try #require(read.headers[.eTag])
            var stale = try Self.body(read)
            // Someone else changes the e-mail after our read.
            let other = try await client.execute(uri: "/api/crm/customers/\(id)", method: .patch, headers: [.contentType: "application/merge-patch+json"],
                                                 body: try Self.json(["email": .string("new@example.com")]))
            #expect(other.status == .ok)
            #expect(other.headers[.eTag] != tag)
            // Our stale full record (old e-mail) with a new note, sent with If-Match of our read.
            stale["notes"] = .string("stale edit")
            let refused = try await client.execute(uri: "/api/crm/customers/\(id)", method: .put, headers: [.ifMatch: tag], body: try Self.json(stale))
            #expect(refused.status == .preconditionFailed)
            #expect(try Self.problem(refused).code == "PRECONDITION_FAILED")
            let now = try Self.body(try await client.execute(uri: "/api/crm/customers/\(id)", method: .get))
            #expect(now["email"] == .string("new@example.com"))
            #expect(now["notes"] == .null)
            // With the current tag the same edit goes through.
            let fresh = try #require(other.headers[.eTag])
            let accepted = try await client.execute(uri: "/api/crm/customers/\(id)", method: .put, headers: [.ifMatch: fresh],
                                                    body: try Self.json(["notes": .string("fresh edit")]))
            #expect(accepted.status == .ok)
        }
    }

    /// Failed before: a PUT without If-Match of an older copy reset doNotContact (and every field it
    /// carried) on every rooftop.
    @Test func aPutWithoutIfMatchIsRefusedWith428AndChangesNothing() async throws {
        try await Self.withAPI { client, replica in
            let created = try Self.body(try await client.execute(uri: "/api/crm/customers", method: .post, body: try Self.json(Self.ana)))
            let id = try #require(created["id"]?.stringValue)
            var stale = created
            stale["communicationPreferences"] = .object(["doNotContact": .bool(false)])
            _ = try replica.updateCustomer(id: RowID(id)!, CustomerInput(fields: ["doNotContact": .integer(1)]))  // set since the read
            let hlc = try replica.currentHLC()
            for ifMatch in [nil, "*"] as [String?] {
                var headers: HTTPFields = [:]
                if let ifMatch { headers[.ifMatch] = ifMatch }
                let refused = try await client.execute(uri: "/api/crm/customers/\(id)", method: .put, headers: headers, body: try Self.json(stale))
                #expect(refused.status == .preconditionRequired)
                #expect(try Self.problem(refused).code == "PRECONDITION_REQUIRED")
            }
            #expect(try replica.currentHLC() == hlc)
            #expect(try replica.customer(id: RowID(id)!)?.customer["doNotContact"] == .integer(1))
        }
    }

    /// Failed before: tags were not part of the ETag, so a stale PUT with `tags` passed If-Match and
    /// dropped the tags added since the read.
    @Test func aTagAddedSinceTheReadMakesAStalePutFail() async throws {
        try await Self.withAPI { client, replica in
            let post = try await client.execute(uri: "/api/crm/customers", method: .post, body: try Self.json(Self.ana))
            let read = try Self.body(post)
            let id = try #require(read["id"]?.stringValue)
            _ = try replica.updateCustomer(id: RowID(id)!, CustomerInput(tags: ["VIP", "fleet"]))  // someone adds a tag
            let refused = try await client.execute(uri: "/api/crm/customers/\(id)", method: .put, headers: [.ifMatch: try #require(post.headers[.eTag])],
                                                   body: try Self.json(read))
            #expect(refused.status == .preconditionFailed)
            #expect(try replica.customer(id: RowID(id)!)?.tags == ["fleet", "VIP"])
        }
    }

    @Test func aMergePatchChangesSingleFieldsWithoutIfMatchAndReplacesListsWithIt() async throws {
        try await Self.withAPI { client, replica in
            var body = Self.ana
            body["phoneNumbers"] = .array([.object(["number": .string("(555) 010-0101")]), .object(["number": .string("(555) 010-0102")])])
            body["tags"] = .array([.string("VIP")])
            let created = try Self.body(try await client.execute(uri: "/api/crm/customers", method: .post, body: try Self.json(body)))
            let id = try #require(created["id"]?.stringValue)
            let mergePatch: HTTPFields = [.contentType: "application/merge-patch+json"]
            // Single fields: no If-Match needed; null clears; a group set to null clears each of its fields.
            let patched = try await client.execute(uri: "/api/crm/customers/\(id)", method: .patch, headers: mergePatch,
                                                   body: try Self.json(["notes": .string("prefers mornings"), "email": .null, "demographicInfo": .null]))
            #expect(patched.status == .ok)
            let after = try Self.body(patched)
            #expect(after["notes"] == .string("prefers mornings") && after["email"] == .null && after["firstName"] == .string("Ana"))
            #expect(after["demographicInfo"]?.objectValue?["birthDate"] == .null)
            #expect(after["tags"] == .array([.string("VIP")]))
            // Replacing a list needs If-Match.
            let onePhone: [String: JSONValue] = ["phoneNumbers": .array([.object(["number": .string("(555) 010-0102")])]), "tags": .null]
            let refused = try await client.execute(uri: "/api/crm/customers/\(id)", method: .patch, headers: mergePatch, body: try Self.json(onePhone))
            #expect(refused.status == .preconditionRequired)
            var withTag = mergePatch
            withTag[.ifMatch] = try #require(patched.headers[.eTag])
            let replaced = try Self.body(try await client.execute(uri: "/api/crm/customers/\(id)", method: .patch, headers: withTag, body: try Self.json(onePhone)))
            #expect(replaced["phoneNumbers"]?.arrayValue?.compactMap { $0.objectValue?["number"]?.stringValue } == ["+15550100102"])
            #expect(replaced["tags"] == .array([]))
            #expect(try replica.customer(id: RowID(id)!)?.phones.count == 1)
            let bad = try await client.execute(uri: "/api/crm/customers/\(id)", method: .patch, headers: mergePatch, body: try Self.json(["leadScore": .string("x")]))
            #expect(bad.status == .badRequest)
            #expect(try Self.problem(bad).code == "VALIDATION")
        }
    }

    @Test func deleteHidesTheCustomerAndRestoreBringsItBack() async throws {
        try await Self.withAPI { client, _ in
            let created = try Self.body(try await client.execute(uri: "/api/crm/customers", method: .post, body: try Self.json(Self.ana)))
            let id = try #require(created["id"]?.stringValue)
            let deleted = try await client.execute(uri: "/api/crm/customers/\(id)", method: .delete)
            #expect(deleted.status == .noContent)
            // 410 Gone, not 404: a client can tell a deleted customer (restorable) from a wrong id.
            let gone = try await client.execute(uri: "/api/crm/customers/\(id)", method: .get)
            #expect(gone.status == .gone)
            #expect(gone.headers[.contentType] == "application/problem+json")
            #expect(try Self.problem(gone).code == "GONE")
            #expect(try Self.problem(gone).detail?.contains("was deleted at") == true)
            let unknown = try await client.execute(uri: "/api/crm/customers/\(RowID.v7(milliseconds: 1))", method: .get)
            #expect(unknown.status == .notFound)
            #expect(try await client.execute(uri: "/api/crm/customers/\(id)", method: .delete).status == .gone)
            // Its interactions answer 410 too: a delete covers the children.
            #expect(try await client.execute(uri: "/api/crm/customers/\(id)/interactions", method: .get).status == .gone)
            let search = try Self.body(try await client.execute(uri: "/api/crm/customers?q=ana", method: .get))
            #expect(search["items"]?.arrayValue?.isEmpty == true)
            let restored = try await client.execute(uri: "/api/crm/customers/\(id)/restore", method: .post)
            #expect(restored.status == .ok)
            #expect(try Self.body(restored)["firstName"] == .string("Ana"))
            let conflicts = try Self.body(try await client.execute(uri: "/api/sync/conflicts", method: .get))
            #expect(conflicts["items"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test func loyaltyPointsAreAddedAndRedeemedWithProblemsForBadRequests() async throws {
        try await Self.withAPI { client, _ in
            let created = try Self.body(try await client.execute(uri: "/api/crm/customers", method: .post, body: try Self.json(Self.ana)))
            let id = try #require(created["id"]?.stringValue)
            let add = try await client.execute(uri: "/api/crm/loyalty/\(id)/points/add", method: .post,
                                               body: try Self.json(["points": .number(120), "reason": .string("purchase")]))
            #expect(add.status == .created)
            #expect(try Self.body(add)["loyaltyPoints"] == .number(120))
            let redeem = try await client.execute(uri: "/api/crm/loyalty/\(id)/points/redeem", method: .post, body: try Self.json(["points": .number(200)]))
            #expect(redeem.status == .conflict)
            #expect(try Self.problem(redeem).code == "INSUFFICIENT_POINTS")
            let negative = try await client.execute(uri: "/api/crm/loyalty/\(id)/points/add", method: .post, body: try Self.json(["points": .number(-5)]))
            #expect(negative.status == .badRequest)
            let missing = try await client.execute(uri: "/api/crm/loyalty/\(RowID.v7(milliseconds: 1))", method: .get)
            #expect(missing.status == .notFound)
            let customer = try Self.body(try await client.execute(uri: "/api/crm/customers/\(id)", method: .get))
            #expect(customer["loyaltyPoints"] == .number(120))
        }
    }
}
