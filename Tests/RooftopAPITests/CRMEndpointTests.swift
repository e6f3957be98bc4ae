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

/// Every endpoint of the design document over real HTTP on a running router (`.live`), as a
/// dealership's day uses them, and the conventions every collection shares.
@Suite struct CRMEndpointTests {
    typealias API = CustomerAPITests

    /// The design document's endpoint list ("API Endpoints"), method and path.
    static let seedEndpoints: [(String, String)] = [
        ("get", "/api/crm/customers"), ("get", "/api/crm/customers/{id}"), ("post", "/api/crm/customers"), ("put", "/api/crm/customers/{id}"),
        ("get", "/api/crm/customers/{id}/vehicles"), ("get", "/api/crm/customers/{id}/interactions"), ("get", "/api/crm/customers/{id}/journey"),
        ("post", "/api/crm/customers/{id}/merge"),
        ("post", "/api/crm/interactions"), ("get", "/api/crm/interactions/search"), ("post", "/api/crm/interactions/bulk"), ("post", "/api/crm/interactions/schedule"),
        ("get", "/api/crm/campaigns"), ("get", "/api/crm/campaigns/{id}"), ("post", "/api/crm/campaigns"), ("put", "/api/crm/campaigns/{id}"),
        ("post", "/api/crm/campaigns/{id}/execute"), ("get", "/api/crm/campaigns/{id}/metrics"),
        ("get", "/api/crm/segments"), ("get", "/api/crm/segments/{id}"), ("post", "/api/crm/segments"), ("put", "/api/crm/segments/{id}"),
        ("post", "/api/crm/segments/{id}/refresh"), ("get", "/api/crm/segments/{id}/members"),
        ("get", "/api/crm/surveys"), ("get", "/api/crm/surveys/{id}"), ("post", "/api/crm/surveys/send"), ("post", "/api/crm/surveys/{id}/response"),
        ("get", "/api/crm/surveys/analytics"),
        ("get", "/api/crm/loyalty/{customerId}"), ("post", "/api/crm/loyalty/{customerId}/points/add"), ("post", "/api/crm/loyalty/{customerId}/points/redeem"),
        ("get", "/api/crm/loyalty/rewards"),
    ]

    @Test func theOpenAPIDocumentServedIsTheOneInTheRepositoryAndDescribesTheSeedEndpoints() async throws {
        let committed = Fixtures.repositoryRoot.appendingPathComponent("openapi/rooftop.json")
        if ProcessInfo.processInfo.environment["ROOFTOP_WRITE_OPENAPI"] == "1" {
            try FileManager.default.createDirectory(at: committed.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(OpenAPIDocument.bytes).write(to: committed)
        }
        #expect(Array(try Data(contentsOf: committed)) == OpenAPIDocument.bytes, "openapi/rooftop.json is stale: ROOFTOP_WRITE_OPENAPI=1 scripts/test --filter CRMEndpointTests")
        try await API.withAPI { client, _ in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(response.status == .ok)
            #expect(Array(Data(buffer: response.body)) == OpenAPIDocument.bytes)
            let document = try API.body(response)
            #expect(document["openapi"] == .string("3.1.0"))
            let paths = try #require(document["paths"]?.objectValue)
            let missing = Self.seedEndpoints.filter { paths[$0.1]?.objectValue?[$0.0] == nil }.map { "\($0.0.uppercased()) \($0.1)" }
            #expect(missing.isEmpty, "not described: \(missing)")
        }
    }

    func post(_ client: any TestClientProtocol, _ uri: String, _ body: [String: JSONValue], status: HTTPResponse.Status = .created) async throws -> [String: JSONValue] {
        let response = try await client.execute(uri: uri, method: .post, body: try API.json(body))
        #expect(response.status == status, "\(uri): \(String(buffer: response.body))")
        return try API.body(response)
    }

    func get(_ client: any TestClientProtocol, _ uri: String) async throws -> [String: JSONValue] {
        let response = try await client.execute(uri: uri, method: .get)
        #expect(response.status == .ok, "\(uri): \(String(buffer: response.body))")
        return try API.body(response)
    }

    @Test func mergeAndUnmergeOverHTTP() async throws {
        try await API.withAPI { client, _ in
            let first = try await post(client, "/api/crm/customers", ["firstName": "Dana", "lastName": "Cole", "email": "dana@example.com",
                                                                      "phoneNumbers": [["number": "(312) 555-0101"]], "communicationPreferences": ["optInEmail": true]])
            let second = try await post(client, "/api/crm/customers", ["firstName": "Dana", "lastName": "Cole", "phoneNumbers": [["number": "312-555-0199"]],
                                                                       "communicationPreferences": ["optInEmail": false], "tags": ["service"]])
            let a = try #require(first["id"]?.stringValue), b = try #require(second["id"]?.stringValue)
            // A dry run answers the merged record and writes nothing.
            let preview = try await post(client, "/api/crm/customers/\(b)/merge", ["intoId": .string(a), "dryRun": true, "mergedBy": "u-7"], status: .ok)
            #expect(preview["dryRun"] == .bool(true) && preview["survivorId"] == .string(a) && preview["absorbedIds"] == [.string(b)])
            #expect(try await get(client, "/api/crm/customers/\(b)")["id"] == .string(b))
            let merged = try await post(client, "/api/crm/customers/\(b)/merge", ["intoId": .string(a), "mergedBy": "u-7", "reason": "same phone"], status: .ok)
            #expect(merged["customer"] == preview["customer"])
            let customer = try #require(merged["customer"]?.objectValue)
            #expect(customer["mergedInto"] == nil)  // the answer is the survivor itself
            #expect(customer["phoneNumbers"]?.arrayValue?.count == 2 && customer["tags"] == ["service"] && customer["mergedFrom"] == [.string(b)])
            #expect(customer["communicationPreferences"]?.objectValue?["optInEmail"] == .bool(false))
            #expect(merged["merge"]?.objectValue?["mergedBy"] == "u-7" && merged["merge"]?.objectValue?["homeRooftop"] == "north")
            // The absorbed id answers the survivor with mergedInto; lists show one customer; the audit lists the merge.
            let viaAbsorbed = try await get(client, "/api/crm/customers/\(b)")
            #expect(viaAbsorbed["id"] == .string(a) && viaAbsorbed["mergedInto"] == .string(a))
            #expect(try await get(client, "/api/crm/customers?q=cole")["items"]?.arrayValue?.count == 1)
            #expect(try await get(client, "/api/crm/customer-merges?fromId=\(b)")["items"]?.arrayValue?.count == 1)
            #expect(try await get(client, "/api/crm/customer-merges?unmerged=false")["items"]?.arrayValue?.count == 1)  // merges in force
            // The absorbed id's history is the survivor's.
            _ = try await post(client, "/api/crm/interactions", ["customerId": .string(b), "type": "Call", "subject": "called back"])
            #expect(try await get(client, "/api/crm/customers/\(b)/interactions")["items"]?.arrayValue?.count == 1)
            #expect(try await get(client, "/api/crm/interactions/search?customerId=\(b)")["items"]?.arrayValue?.count == 1)
            // A merged customer sent back as read (mergedFrom included) is accepted by PUT.
            let read = try await client.execute(uri: "/api/crm/customers/\(a)", method: .get)
            var body = try API.body(read)
            body["notes"] = "merged by phone"
            let put = try await client.execute(uri: "/api/crm/customers/\(a)", method: .put, headers: [.ifMatch: read.headers[.eTag] ?? ""],
                                               body: try API.json(body))
            #expect(put.status == .ok, "\(String(buffer: put.body))")
            // Mistakes answer problems: again (409), itself (409), unknown (404), no intoId (400).
            for (uri, body, status) in [("/api/crm/customers/\(b)/merge", ["intoId": JSONValue.string(a)], HTTPResponse.Status.conflict),
                                        ("/api/crm/customers/\(a)/merge", ["intoId": .string(a)], .conflict),
                                        ("/api/crm/customers/\(a)/merge", ["intoId": .string(RowID.v7(milliseconds: 1).string)], .notFound),
                                        ("/api/crm/customers/\(a)/merge", ["dryRun": true], .badRequest)] {
                let response = try await client.execute(uri: uri, method: .post, body: try API.json(body))
                #expect(response.status == status && response.headers[.contentType] == "application/problem+json", "\(uri) \(body)")
            }
            // Unmerge: both return as they were.
            let undone = try await post(client, "/api/crm/customers/\(b)/unmerge", ["unmergedBy": "u-8"], status: .ok)
            #expect(undone["customers"]?.arrayValue?.count == 2 && undone["unmerged"]?.arrayValue?.count == 1)
            let back = try await get(client, "/api/crm/customers/\(b)")
            #expect(back["id"] == .string(b) && back["mergedInto"] == nil && back["phoneNumbers"]?.arrayValue?.count == 1)
            let again = try await client.execute(uri: "/api/crm/customers/\(b)/unmerge", method: .post)
            #expect(again.status == .conflict)
        }
    }

    @Test func aDealershipDayUsesEveryEndpoint() async throws {
        try await API.withAPI { client, _ in
            // Customers.
            let ana = try await post(client, "/api/crm/customers", API.ana)
            let anaID = try #require(ana["id"]?.stringValue)
            let bo = try await post(client, "/api/crm/customers", ["firstName": "Bo", "lastName": "Blocked", "email": "bo@example.com",
                                                                   "communicationPreferences": ["optInEmail": true, "doNotContact": true], "tags": ["fleet"]])
            let boID = try #require(bo["id"]?.stringValue)
            let fleet = try await get(client, "/api/crm/customers?tags=FLEET&status=Prospect")
            #expect(fleet["items"]?.arrayValue?.count == 1 && fleet["nextCursor"] == .null)
            // A vehicle, owned.
            let vehicle = try await post(client, "/api/crm/vehicles", ["vin": "1HGCM82633A004352", "make": "Honda", "model": "Accord", "year": 2003])
            _ = try await post(client, "/api/crm/customer-vehicles", ["customerId": .string(anaID), "vehicleId": vehicle["id"]!, "relationshipType": "Owner"])
            let vehicles = try await get(client, "/api/crm/customers/\(anaID)/vehicles")
            #expect(vehicles["items"]?.arrayValue?.first?.objectValue?["vehicle"]?.objectValue?["make"] == "Honda")
            // Interactions: one, search, bulk, schedule, the customer's list.
            _ = try await post(client, "/api/crm/interactions", ["customerId": .string(anaID), "type": "Call", "subject": "Trade-in appraisal", "tags": ["sales"]])
            let bulk = try await post(client, "/api/crm/interactions/bulk", ["interactions": [["customerId": .string(anaID), "type": "SMS", "content": "Your car is ready"],
                                                                                              ["customerId": .string(boID), "type": "Email", "subject": "Welcome"]]])
            #expect(bulk["items"]?.arrayValue?.count == 2)
            let found = try await get(client, "/api/crm/interactions/search?q=apprais&customerId=\(anaID)")
            #expect(found["items"]?.arrayValue?.count == 1)
            let advisor = RowID.v7(milliseconds: 42).string
            let scheduled = try await post(client, "/api/crm/interactions/schedule", ["customerId": .string(anaID), "type": "Call",
                                                                                     "scheduledFor": "2031-03-04T16:00:00Z", "assignedToId": .string(advisor)])
            #expect(scheduled["status"] == "Scheduled")
            let day = try await get(client, "/api/crm/interactions/follow-ups?assignedToId=\(advisor)&day=2031-03-04")
            #expect(day["items"]?.arrayValue?.count == 1)
            #expect(try await get(client, "/api/crm/customers/\(anaID)/interactions")["items"]?.arrayValue?.count == 2)
            // Journey.
            _ = try await post(client, "/api/crm/journeys", ["customerId": .string(anaID), "stage": "Consideration", "nextScheduledActivity": ["type": "Test drive", "date": "2031-03-05T10:00:00Z"]])
            let journey = try await get(client, "/api/crm/customers/\(anaID)/journey")
            #expect(journey["stage"] == "Consideration" && journey["nextScheduledActivity"]?.objectValue?["type"] == "Test drive")
            #expect(journey["stageHistory"]?.arrayValue?.count == 1)
            // Segments.
            let segment = try await post(client, "/api/crm/segments", ["name": "Email-able", "type": "Dynamic",
                                                                     "criteria": ["field": "email", "op": "exists", "value": true]])
            let segmentID = try #require(segment["id"]?.stringValue)
            #expect(try await get(client, "/api/crm/segments")["items"]?.arrayValue?.count == 1)
            let read = try await client.execute(uri: "/api/crm/segments/\(segmentID)", method: .get)
            let etag = try #require(read.headers[.eTag])
            var renamed = try API.body(read)
            renamed["name"] = "Reachable by e-mail"
            let put = try await client.execute(uri: "/api/crm/segments/\(segmentID)", method: .put, headers: [.ifMatch: etag], body: try API.json(renamed))
            #expect(try put.status == .ok && API.body(put)["name"] == "Reachable by e-mail")
            let refreshed = try await post(client, "/api/crm/segments/\(segmentID)/refresh", [:], status: .ok)
            #expect(refreshed["memberCount"] == 2)
            #expect(try await get(client, "/api/crm/segments/\(segmentID)/members?limit=1")["nextCursor"] != .null)
            // Campaigns.
            let campaign = try await post(client, "/api/crm/campaigns", ["name": "Spring service", "type": "Email", "targetAudience": ["segments": [.string(segmentID)]],
                                                                       "content": ["subject": "Check-up time", "landingPageUrl": "https://example.com/spring"]])
            let campaignID = try #require(campaign["id"]?.stringValue)
            #expect(campaign["status"] == "Draft" && campaign["metrics"]?.objectValue?["sent"] == 0)
            #expect(try await get(client, "/api/crm/campaigns?status=Draft")["items"]?.arrayValue?.count == 1)
            let campaignRead = try await client.execute(uri: "/api/crm/campaigns/\(campaignID)", method: .get)
            let scheduledCampaign = try await client.execute(uri: "/api/crm/campaigns/\(campaignID)", method: .put, headers: [.ifMatch: campaignRead.headers[.eTag]!],
                                                             body: try API.json(["status": "Scheduled", "startDate": "2031-03-10T09:00:00-05:00"]))
            #expect(scheduledCampaign.status == .ok)
            let execution = try await post(client, "/api/crm/campaigns/\(campaignID)/execute", [:], status: .ok)
            #expect(execution["queued"] == 1 && execution["suppressed"]?.objectValue?["doNotContact"] == 1)
            let metrics = try await get(client, "/api/crm/campaigns/\(campaignID)/metrics")
            #expect(metrics["queued"] == 1 && metrics["suppressed"] == 1)
            #expect(try await get(client, "/api/crm/outbox?campaignId=\(campaignID)")["items"]?.arrayValue?.count == 2)
            // Surveys.
            let sent = try await post(client, "/api/crm/surveys/send", ["surveyType": "Service Satisfaction", "customerIds": [.string(anaID), .string(boID)]])
            #expect(sent["skipped"]?.arrayValue?.count == 1)
            let surveyID = try #require(sent["created"]?.arrayValue?.first?.stringValue)
            #expect(try await get(client, "/api/crm/surveys")["items"]?.arrayValue?.count == 1)
            _ = try await get(client, "/api/crm/surveys/\(surveyID)")
            let answered = try await post(client, "/api/crm/surveys/\(surveyID)/response", ["responses": [["questionId": .string(RowID.v7(milliseconds: 7).string),
                                                                                                       "question": "How was the service?", "responseType": "Rating", "score": 5, "scale": 5]]],
                                          status: .ok)
            #expect(answered["overallScore"] == 10 && answered["followUpRequired"] == false)
            let analytics = try await get(client, "/api/crm/surveys/analytics")
            #expect(analytics["overall"]?.objectValue?["completed"] == 1)
            // Loyalty.
            let reward = try await post(client, "/api/crm/loyalty/rewards", ["name": "Free oil change", "pointsCost": 300])
            #expect(try await get(client, "/api/crm/loyalty/rewards?active=true")["items"]?.arrayValue?.count == 1)
            _ = try await post(client, "/api/crm/loyalty/\(anaID)/points/add", ["points": 1000, "reason": "purchase"])
            let redeemed = try await post(client, "/api/crm/loyalty/\(anaID)/points/redeem", ["rewardId": reward["id"]!])
            #expect(redeemed["loyaltyPoints"] == 700 && redeemed["loyaltyTier"] == "Silver")
            #expect(try await get(client, "/api/crm/loyalty/\(anaID)")["loyaltyPoints"] == 700)
        }
    }

    @Test func everyCollectionFollowsTheSameConventions() async throws {
        try await API.withAPI { client, _ in
            for path in ["customers", "campaigns", "segments", "surveys", "journeys", "vehicles", "interactions", "outbox", "loyalty/rewards", "scheduled-interactions"] {
                let unknown = try await client.execute(uri: "/api/crm/\(path)?colour=red", method: .get)
                #expect(unknown.status == .badRequest, "\(path)")
                #expect(try API.problem(unknown).errors?.first?.pointer == "/colour")
                let big = try await client.execute(uri: "/api/crm/\(path)?limit=501", method: .get)
                #expect(big.status == .badRequest, "\(path)")
                let empty = try API.body(try await client.execute(uri: "/api/crm/\(path)", method: .get))
                #expect(empty["items"] == [] && empty["nextCursor"] == .null, "\(path)")
            }
            var ids: [String] = []
            for i in 0..<3 { ids.append(try #require(try await post(client, "/api/crm/loyalty/rewards", ["name": .string("R\(i)"), "pointsCost": .number(Double(100 * (3 - i)))])["id"]?.stringValue)) }
            let first = try await get(client, "/api/crm/loyalty/rewards?limit=2&sort=pointsCost")
            #expect(first["items"]?.arrayValue?.compactMap { $0.objectValue?["pointsCost"] } == [100, 200])
            let cursor = try #require(first["nextCursor"]?.stringValue)
            let last = try await get(client, "/api/crm/loyalty/rewards?limit=2&sort=pointsCost&cursor=\(cursor)")
            #expect(last["items"]?.arrayValue?.compactMap { $0.objectValue?["pointsCost"] } == [300] && last["nextCursor"] == .null)
            let badCursor = try await client.execute(uri: "/api/crm/loyalty/rewards?cursor=nonsense", method: .get)
            #expect(badCursor.status.code / 100 == 4)
            // ETags, If-Match, tombstones, restore.
            let read = try await client.execute(uri: "/api/crm/loyalty/rewards/\(ids[0])", method: .get)
            let etag = try #require(read.headers[.eTag])
            let noMatch = try await client.execute(uri: "/api/crm/loyalty/rewards/\(ids[0])", method: .put, body: try API.json(["name": "x"]))
            #expect(noMatch.status == .preconditionRequired)
            #expect(try await client.execute(uri: "/api/crm/loyalty/rewards/\(ids[0])", method: .patch, body: try API.json(["name": "Renamed"])).status == .ok)
            let stale = try await client.execute(uri: "/api/crm/loyalty/rewards/\(ids[0])", method: .put, headers: [.ifMatch: etag], body: try API.json(["name": "y"]))
            #expect(stale.status == .preconditionFailed)
            let live = try await client.execute(uri: "/api/crm/loyalty/rewards/\(ids[0])/restore", method: .post)
            #expect(try live.status == .conflict && API.problem(live).code == "CONFLICT")
            #expect(try await client.execute(uri: "/api/crm/loyalty/rewards/\(ids[0])", method: .delete).status == .noContent)
            let gone = try await client.execute(uri: "/api/crm/loyalty/rewards/\(ids[0])", method: .get)
            #expect(try gone.status == .gone && API.problem(gone).code == "GONE")
            #expect(try await client.execute(uri: "/api/crm/loyalty/rewards/\(ids[0])/restore", method: .post).status == .ok)
            // Search results page too.
            for name in ["Ann", "Anna", "Annie"] { _ = try await post(client, "/api/crm/customers", ["firstName": .string(name), "lastName": "Pager"]) }
            let searchFirst = try await get(client, "/api/crm/customers?q=pager&limit=2")
            #expect(searchFirst["items"]?.arrayValue?.count == 2)
            let searchCursor = try #require(searchFirst["nextCursor"]?.stringValue)
            let searchLast = try await get(client, "/api/crm/customers?q=pager&limit=2&cursor=\(searchCursor)")
            #expect(searchLast["items"]?.arrayValue?.count == 1 && searchLast["nextCursor"] == .null)
            // Customers sort like the other collections, with the same cursor.
            let byName = try await get(client, "/api/crm/customers?sort=-firstName&limit=1")
            let firstName = byName["items"]?.arrayValue?.first?.objectValue?["firstName"]
            let nextName = try await get(client, "/api/crm/customers?sort=-firstName&limit=1&cursor=\(try #require(byName["nextCursor"]?.stringValue))")
            #expect(firstName != nil && nextName["items"]?.arrayValue?.first?.objectValue?["firstName"] != firstName)
            #expect(try await client.execute(uri: "/api/crm/customers?sort=shoeSize", method: .get).status == .badRequest)
            // Bad bodies are problems naming the JSON Pointer.
            let bad = try await client.execute(uri: "/api/crm/campaigns", method: .post, body: try API.json(["name": "x", "type": "Fax", "budgett": 1]))
            #expect(bad.status == .badRequest)
            #expect(Set(try API.problem(bad).errors?.map(\.pointer) ?? []) == ["/type", "/budgett"])
            let missing = try await client.execute(uri: "/api/crm/segments", method: .post, body: try API.json(["description": "no name"]))
            #expect(Set(try API.problem(missing).errors?.map(\.pointer) ?? []) == ["/name", "/type"])
        }
    }

    @Test func theLoyaltyTierShownIsTheOneListsAndSegmentsFilterOn() async throws {
        try await API.withAPI { client, _ in
            let bea = try #require(try await post(client, "/api/crm/customers", ["firstName": "Bea", "lastName": "Tier", "loyaltyTier": "Gold"])["id"]?.stringValue)
            let cy = try #require(try await post(client, "/api/crm/customers", ["firstName": "Cy", "lastName": "Tier"])["id"]?.stringValue)
            _ = try await post(client, "/api/crm/loyalty/\(bea)/points/add", ["points": 100])   // earned Bronze; Gold stays as a floor
            _ = try await post(client, "/api/crm/loyalty/\(cy)/points/add", ["points": 6000])   // earned Gold
            #expect(try await get(client, "/api/crm/customers/\(bea)")["loyaltyTier"] == "Gold")
            #expect(try await get(client, "/api/crm/customers/\(cy)")["loyaltyTier"] == "Gold")
            let gold = try await get(client, "/api/crm/customers?loyaltyTier=Gold")
            #expect(Set(gold["items"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } ?? []) == [bea, cy])
            #expect(try await get(client, "/api/crm/customers?loyaltyTier=Bronze")["items"] == [])
            let segment = try #require(try await post(client, "/api/crm/segments", ["name": "Gold", "type": "Dynamic",
                                                                                     "criteria": ["field": "loyaltyTier", "op": "eq", "value": "gold"]])["id"]?.stringValue)
            #expect(try await post(client, "/api/crm/segments/\(segment)/refresh", [:], status: .ok)["memberCount"] == 2)
        }
    }

    /// The tier filter reads a derived, indexed rank (`customer._tierRank`): it must follow the ledger
    /// wherever the events go — a merge moves them to the survivor, an unmerge back.
    @Test func theTierFilterFollowsEventsThroughMergeAndUnmerge() async throws {
        try await API.withAPI { client, _ in
            let first = try #require(try await post(client, "/api/crm/customers", ["firstName": "Di", "lastName": "Rank"])["id"]?.stringValue)
            let earner = try #require(try await post(client, "/api/crm/customers", ["firstName": "Di", "lastName": "Rank"])["id"]?.stringValue)
            _ = try await post(client, "/api/crm/loyalty/\(earner)/points/add", ["points": 6000])
            func ids(_ tier: String) async throws -> Set<String> {
                Set(try await get(client, "/api/crm/customers?loyaltyTier=\(tier)")["items"]?.arrayValue?.compactMap { $0.objectValue?["id"]?.stringValue } ?? [])
            }
            #expect(try await ids("Gold") == [earner])
            // The survivor is the one created first: the earner's events move to it, and its tier with them.
            _ = try await post(client, "/api/crm/customers/\(earner)/merge", ["intoId": .string(first)], status: .ok)
            #expect(try await ids("Gold") == [first])
            _ = try await post(client, "/api/crm/customers/\(earner)/unmerge", [:], status: .ok)
            #expect(try await ids("Gold") == [earner])
            _ = try await post(client, "/api/crm/loyalty/\(first)/points/add", ["points": 1200])
            #expect(try await ids("Silver") == [first])
            #expect(try await ids("Platinum").isEmpty)
        }
    }

    @Test func staffMistakesAreRefusedWithTheReason() async throws {
        try await API.withAPI { client, _ in
            // A retried create that names its id never makes a second customer.
            let id = RowID.v7(milliseconds: 123).string
            _ = try await post(client, "/api/crm/customers", ["id": .string(id), "lastName": "Retry"])
            let again = try await client.execute(uri: "/api/crm/customers", method: .post, body: try API.json(["id": .string(id), "lastName": "Retry"]))
            #expect(again.status == .conflict)
            // Search takes no filters (it would silently ignore them).
            #expect(try await client.execute(uri: "/api/crm/customers?q=retry&status=Active", method: .get).status == .badRequest)
            // A follow-up cannot be scheduled in the past.
            let past = try await client.execute(uri: "/api/crm/interactions/schedule", method: .post, body: try API.json([
                "customerId": .string(id), "type": "Call", "scheduledFor": "2020-01-01T00:00:00Z", "assignedToId": .string(id)]))
            #expect(try past.status == .badRequest && API.problem(past).errors?.first?.pointer == "/scheduledFor")
            // Bulk takes the bare array too.
            let bulk = try await client.execute(uri: "/api/crm/interactions/bulk", method: .post, body: ByteBuffer(data: try JSONValue.array([
                ["customerId": .string(id), "type": "Call"]]).encoded()))
            #expect(bulk.status == .created)
            // Text criteria ignore case, as staff type them.
            _ = try await post(client, "/api/crm/customers", ["lastName": "Case", "businessName": "Acme Toyota"])
            let segment = try #require(try await post(client, "/api/crm/segments", ["name": "t", "type": "Dynamic",
                                                                                     "criteria": ["field": "businessName", "op": "eq", "value": "acme toyota"]])["id"]?.stringValue)
            #expect(try await post(client, "/api/crm/segments/\(segment)/refresh", [:], status: .ok)["memberCount"] == 1)
            // Unknown query parameters are refused on single records too.
            #expect(try await client.execute(uri: "/api/crm/customers/\(id)?bogus=1", method: .get).status == .badRequest)
            #expect(try await client.execute(uri: "/api/crm/segments/\(segment)?bogus=1", method: .get).status == .badRequest)
        }
    }
}
