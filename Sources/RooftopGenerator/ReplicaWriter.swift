import Foundation
import RooftopCRM
import RooftopModel
import RooftopReplication
import RooftopStore

/// Writes generated records into a replica as the rooftop's own writes, in batches of one
/// transaction each: the customer with its phone and address, owned vehicles and their links,
/// interactions, loyalty events, a journey and an answered survey. Values go through the same
/// normalisation as staff input (E.164 phones, lower-case e-mails), so what lands is what an
/// import would store.
public struct ReplicaWriter {
    public let replica: Replica
    let service: CRMService
    /// The seed of the ids: the same records get the same ids (so a second run into one replica
    /// stops at the first customer with `ALREADY_EXISTS` rather than duplicating anything).
    var random: SplitMix64
    /// The time part of the next ids: 2025-01-01 plus one ms per record written.
    var idMilliseconds: UInt64 = 1_735_689_600_000
    static let npsQuestion = RowID("0190f0a0-0000-7000-8000-0000000005e1")!

    /// A writer into `replica` whose row ids derive from `seed` (the same seed, the same ids).
    public init(replica: Replica, seed: UInt64) {
        self.replica = replica
        service = CRMService(replica: replica)
        random = SplitMix64(seed: seed ^ 0x1D5)
    }

    /// Writes `records` in one transaction.
    /// - Returns: the rows written.
    /// - Throws: ``FieldInputError`` for a value the schema refuses; ``ReplicaError`` (`ALREADY_EXISTS`
    ///   when the records were written before); nothing of the batch is written then.
    @discardableResult
    public mutating func write(_ records: [GeneratedRecord]) throws -> Int {
        var writes: [LocalWrite] = []
        for record in records { writes += try self.writes(for: record) }
        return try replica.transaction { tx in try tx.write(writes).count }
    }

    mutating func writes(for r: GeneratedRecord) throws -> [LocalWrite] {
        var json: [String: JSONValue] = ["contactType": .string(r.contactType), "sourceType": .string(r.sourceType), "status": .string(r.status)]
        json["firstName"] = r.firstName.map(JSONValue.string)
        json["lastName"] = r.lastName.map(JSONValue.string)
        json["businessName"] = r.businessName.map(JSONValue.string)
        json["email"] = r.email.map(JSONValue.string)
        if let birthDate = r.birthDate { json["demographicInfo"] = .object(["birthDate": .string(birthDate)]) }
        if let phone = r.phone { json["phoneNumbers"] = .array([.object(["number": .string(phone), "type": .string(r.phoneType)])]) }
        if let street = r.street {
            json["addresses"] = .array([.object(["type": "Home", "street": .string(street), "city": r.city.map(JSONValue.string) ?? .null,
                                                 "state": r.state.map(JSONValue.string) ?? .null, "postalCode": r.postalCode.map(JSONValue.string) ?? .null,
                                                 "country": "US"])])
        }
        var input = try CustomerInput(json: json)
        input.fields["createdAt"] = .text(r.createdAt)
        // Ids in write order (UUIDv7 of a clock that advances 1 ms a record), not in `createdAt` order:
        // each table's primary key then grows at its end instead of taking inserts all over a B-tree
        // far larger than the page cache (at a million customers the random order halves the rate).
        idMilliseconds += 1
        let created = idMilliseconds
        let customer = RowID.v7(milliseconds: created, using: &random)
        input.phones = input.phones?.map { ChildInput(id: RowID.v7(milliseconds: created, using: &random), fields: $0.fields) }
        input.addresses = input.addresses?.map { ChildInput(id: RowID.v7(milliseconds: created, using: &random), fields: $0.fields) }
        var writes = try service.customerCreationWrites(input, id: customer)
        let customerID = FieldValue.text(customer.string)
        for vehicle in r.vehicles {
            let vehicleID = RowID.v7(milliseconds: created, using: &random)
            writes.append(LocalWrite(.insert, CRMSchema.vehicle, id: vehicleID, values: [
                "vin": .text(vehicle.vin), "year": .integer(Int64(vehicle.year)), "make": .text(vehicle.make), "model": .text(vehicle.model),
                "trim": .text(vehicle.trim), "condition": .text(vehicle.condition), "exteriorColor": .text(vehicle.color),
                "odometer": .integer(Int64(vehicle.odometer)), "odometerUnits": .text("mi"),
            ]))
            var link: [String: FieldValue] = [
                "customerId": customerID, "vehicleId": .text(vehicleID.string), "relationshipType": .text("Owner"),
                "purchaseDate": .text(vehicle.purchaseDate), "purchaseType": .text(vehicle.purchaseType), "financeType": .text(vehicle.financeType),
                "status": .text(vehicle.status), "isCurrentVehicle": .integer(vehicle.status == "Active" ? 1 : 0), "isServicedHere": .integer(1),
            ]
            link["financeCompany"] = vehicle.financeCompany.map(FieldValue.text)
            writes.append(LocalWrite(.insert, CRMSchema.customerVehicle, id: RowID.v7(milliseconds: created, using: &random), values: link))
        }
        for interaction in r.interactions {
            var values: [String: FieldValue] = ["customerId": customerID, "type": .text(interaction.type), "direction": .text(interaction.direction),
                                                "interactionDate": .text(interaction.date), "subject": .text(interaction.subject)]
            values["duration"] = interaction.duration.map { .integer(Int64($0)) }
            writes.append(LocalWrite(.insert, CRMSchema.customerInteraction, id: RowID.v7(milliseconds: created, using: &random), values: values))
        }
        for event in r.loyalty {
            writes.append(LocalWrite(.insert, CRMSchema.loyaltyEvent, id: RowID.v7(milliseconds: created, using: &random), values: [
                "customerId": customerID, "kind": .text(event.kind), "points": .integer(Int64(event.points)), "reason": .text(event.reason),
            ]))
        }
        if let stage = r.journeyStage {
            writes.append(LocalWrite(.insert, CRMSchema.customerJourney, id: DerivedID.journey(customer: customer), values: [
                "customerId": customerID, "stage": .text(stage), "journeyStartDate": .text(r.createdAt), "lastActivityDate": .text(r.createdAt),
            ]))
        }
        if let score = r.surveyScore {
            let survey = RowID.v7(milliseconds: created, using: &random)
            writes.append(LocalWrite(.insert, CRMSchema.customerSurvey, id: survey, values: [
                "customerId": customerID, "surveyType": .text("NPS"), "sentDate": .text(r.createdAt), "completedDate": .text(r.createdAt),
            ]))
            writes.append(LocalWrite(.insert, CRMSchema.surveyResponse, id: DerivedID.surveyResponse(survey: survey, question: Self.npsQuestion), values: [
                "customerId": customerID, "surveyId": .text(survey.string), "questionId": .text(Self.npsQuestion.string),
                "question": .text("How likely are you to recommend us to a friend?"), "responseType": .text("Rating"),
                "score": .integer(Int64(score)), "scale": .integer(10),
            ]))
        }
        return writes
    }
}
