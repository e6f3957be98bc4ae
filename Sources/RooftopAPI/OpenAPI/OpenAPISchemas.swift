import RooftopCRM
import RooftopModel

/// JSON Schemas (OpenAPI 3.1, JSON Schema 2020-12) of the entities, produced from their declarations.
enum OpenAPISchemas {
    typealias Object = [String: JSONValue]

    static func string(_ extra: Object = [:]) -> JSONValue { .object(["type": .string("string")].merging(extra) { $1 }) }
    static func ref(_ name: String) -> JSONValue { .object(["$ref": .string("#/components/schemas/\(name)")]) }
    static func nullable(_ schema: Object) -> JSONValue {
        var copy = schema
        if case .string(let type) = copy["type"] { copy["type"] = .array([.string(type), .string("null")]) }
        if case .array(let types) = copy["type"], !types.contains(.string("null")) { copy["type"] = .array(types + [.string("null")]) }
        if case .array(let values) = copy["enum"] { copy["enum"] = .array(values + [.null]) }
        return .object(copy)
    }

    /// The schema of one field's JSON value (as input: what is accepted; as output it is also what is shown).
    static func field(_ spec: FieldSpec) -> Object {
        var schema = type(spec.type)
        if !spec.summary.isEmpty { schema["description"] = .string(spec.summary) }
        if spec.isSystem { schema["readOnly"] = .bool(true) }
        return schema
    }

    static func type(_ type: FieldType) -> Object {
        switch type {
        case .uuid: ["type": "string", "format": "uuid"]
        case .text(let max): ["type": "string", "maxLength": .number(Double(max))]
        case .enumeration(let values): ["type": "string", "enum": .array(values.map(JSONValue.string))]
        case .boolean: ["type": "boolean"]
        case .integer(let range): ["type": "integer", "minimum": .number(Double(range.lowerBound)), "maximum": .number(Double(range.upperBound))]
        case .decimal: ["type": .array(["number", "string"]), "description": "an exact decimal (money); a JSON number, or a string of one"]
        case .date: ["type": "string", "format": "date"]
        case .dateTime: ["type": "string", "format": "date-time", "description": "RFC 3339 with an offset; shown in UTC with milliseconds"]
        case .email: ["type": "string", "format": "email", "maxLength": 254]
        case .phone: ["type": "string", "maxLength": 32, "description": "E.164 (+15550100123) or a 10-digit NANP number; shown in E.164"]
        case .vin: ["type": "string", "maxLength": 32, "description": "a VIN (ISO 3779), 17 characters with a valid check digit (49 CFR 565)"]
        case .url: ["type": "string", "format": "uri", "maxLength": 2048]
        case .jsonObject: ["type": "object"]
        case .list(let element, let maxCount): ["type": "array", "items": .object(Self.type(element)), "maxItems": .number(Double(maxCount))]
        }
    }

    /// `<Name>`: a row as served: `id`, every field (null when unset; lists as arrays), nested groups, `extra` derived members.
    static func output(_ entity: EntitySchema, name: String, extra: Object = [:]) -> JSONValue {
        var properties: Object = ["id": .object(["type": "string", "format": "uuid", "readOnly": true])]
        var groups: [String: Object] = [:]
        for spec in entity.fields {
            var schema = field(spec)
            let shown: JSONValue = if case .list = spec.type { .object(schema) } else { nullable(schema) }
            schema = shown.objectValue ?? schema
            if let group = spec.group { groups[group, default: [:]][spec.name] = .object(schema) } else { properties[spec.name] = .object(schema) }
        }
        for (group, members) in groups { properties[group] = .object(["type": "object", "properties": .object(members)]) }
        for (key, value) in extra { properties[key] = value }
        return .object(["type": "object", "title": .string(name), "properties": .object(properties), "required": .array(["id"])])
    }

    /// `<Name>Input`: the body of a create or an update: settable fields only (unknown members are refused).
    static func input(_ entity: EntitySchema, name: String, required: [String], extra: Object = [:]) -> JSONValue {
        var properties: Object = [:]
        var groups: [String: Object] = [:]
        for spec in entity.fields where !spec.isSystem || spec.name == entity.parentField {
            var schema = field(spec)
            schema["readOnly"] = nil
            let value = spec.name == entity.parentField ? JSONValue.object(schema) : nullable(schema)
            if let group = spec.group { groups[group, default: [:]][spec.name] = value } else { properties[spec.name] = value }
        }
        for (group, members) in groups {
            properties[group] = .object(["type": .array(["object", "null"]), "properties": .object(members), "additionalProperties": false])
        }
        properties["id"] = .object(["type": "string", "format": "uuid", "description": "the new row's id (a UUIDv7 when omitted); ignored on update"])
        for (key, value) in extra { properties[key] = value }
        return .object(["type": "object", "title": .string(name + "Input"), "properties": .object(properties), "additionalProperties": false,
                        "required": .array(required.filter { entity.field($0)?.group == nil }.map(JSONValue.string))])
    }

    /// Derived members shown with rows (never stored), by entity.
    static func derived(_ entity: EntitySchema) -> Object {
        switch entity.table {
        case CRMSchema.campaign.table: ["metrics": ref("CampaignMetrics")]
        case CRMSchema.customerSegment.table:
            ["memberCount": .object(["type": .array(["integer", "null"]), "description": "static: its members now; dynamic: at this rooftop's last refresh"]),
             "lastRefreshed": .object(["type": .array(["string", "null"]), "format": "date-time"])]
        case CRMSchema.customerSurvey.table:
            ["responses": .object(["type": "array", "items": ref("SurveyAnswer")]),
             "overallScore": .object(["type": .array(["integer", "null"]), "minimum": 0, "maximum": 10])]
        case CRMSchema.customerJourney.table:
            ["stageHistory": .object(["type": "array", "items": .object(["type": "object", "properties": .object([
                "stage": .object(["type": .array(["string", "null"])]), "substage": .object(["type": .array(["string", "null"])]),
                "milestone": .object(["type": .array(["string", "null"])]), "userId": .object(["type": .array(["string", "null"])]),
                "at": .object(["type": .array(["string", "null"])]), "rooftop": .object(["type": .array(["string", "null"])])])])])]
        default: [:]
        }
    }

    /// Every component schema.
    static var components: Object {
        var all: Object = [:]
        for entity in CRMSchema.resources {
            let resource = entity.resource!
            all[resource.name] = output(entity, name: resource.name, extra: derived(entity))
            if resource.writable {
                let ignored: Object = derived(entity).mapValues { _ in .object(["description": "derived: accepted and ignored"]) }
                all[resource.name + "Input"] = input(entity, name: resource.name, required: resource.required, extra: ignored)
            }
        }
        all["CampaignMessage"] = output(CRMSchema.campaignMessage, name: "CampaignMessage")
        let count: JSONValue = .object(["type": "integer", "minimum": 0])
        all["CampaignMetrics"] = .object(["type": "object", "properties": .object([
            "sent": count, "delivered": count, "opened": count, "clicked": count, "converted": count, "queued": count, "failed": count, "suppressed": count,
            "roi": .object(["type": .array(["number", "null"]), "description": "null: the CRM records no conversion value yet"]),
            "byVariant": ["type": "object", "additionalProperties": ["type": "object"], "description": "the same counts per A/B variant"]]),
            "required": .array(["sent", "delivered", "opened", "clicked", "converted"])])
        var answer = output(CRMSchema.surveyResponse, name: "SurveyAnswer").objectValue!
        answer["required"] = nil
        all["SurveyAnswer"] = .object(answer)
        all["Customer"] = customer
        all["CustomerInput"] = customerInput
        all["Problem"] = .object(["type": "object", "description": "RFC 9457 problem details", "required": .array(["type", "title", "status", "code"]),
                                  "properties": .object(["type": string(), "title": string(), "status": .object(["type": "integer"]), "detail": string(),
                                                         "code": string(["description": "stable machine-readable code (VALIDATION, NOT_FOUND, GONE, CONFLICT, ...)"]),
                                                         "errors": .object(["type": "array", "items": .object(["type": "object", "properties": .object([
                                                            "pointer": string(["description": "RFC 6901 JSON Pointer into the request"]), "detail": string()])])]),
                                                         "duplicates": .object(["type": "array", "description": "DUPLICATE_CUSTOMER: the existing customers the new one would duplicate",
                                                                                "items": .object(["type": "object", "properties": .object([
                                                                                    "customerId": string(), "probability": .object(["type": "number"]), "weight": .object(["type": "number"]),
                                                                                    "matched": .object(["type": "array", "items": string()]), "differed": .object(["type": "array", "items": string()]),
                                                                                    "customer": ref("Customer")])])])])])
        all["Page"] = .object(["type": "object", "required": .array(["items", "nextCursor"]), "properties": .object([
            "items": .object(["type": "array"]), "nextCursor": .object(["type": .array(["string", "null"]), "description": "null on the last page"])])])
        return all
    }

    static var customer: JSONValue {
        var extra: Object = [:]
        func child(_ entity: EntitySchema, _ name: String) -> JSONValue {
            var schema = output(entity, name: name).objectValue!
            if var properties = schema["properties"]?.objectValue { properties["customerId"] = nil; schema["properties"] = .object(properties) }
            return .object(["type": "array", "items": .object(schema)])
        }
        extra["phoneNumbers"] = child(CRMSchema.customerPhone, "CustomerPhone")
        extra["addresses"] = child(CRMSchema.customerAddress, "CustomerAddress")
        extra["tags"] = .object(["type": "array", "items": string()])
        extra["loyaltyPoints"] = .object(["type": "integer", "description": "the ledger's balance (derived)"])
        extra["mergedFrom"] = .object(["type": "array", "items": .object(["type": "string", "format": "uuid"]),
                                       "description": "the duplicates merged into this customer (present when any)"])
        extra["mergedInto"] = .object(["type": "string", "format": "uuid",
                                       "description": "present when the record was read by an absorbed id: the survivor's id"])
        return output(CRMSchema.customer, name: "Customer", extra: extra)
    }

    static var customerInput: JSONValue {
        func child(_ entity: EntitySchema, _ name: String) -> JSONValue {
            var schema = input(entity, name: name, required: []).objectValue!
            if var properties = schema["properties"]?.objectValue { properties["customerId"] = nil; schema["properties"] = .object(properties) }
            return .object(["type": .array(["array", "null"]), "maxItems": 50, "items": .object(schema)])
        }
        return input(CRMSchema.customer, name: "Customer", required: [], extra: [
            "phoneNumbers": child(CRMSchema.customerPhone, "CustomerPhone"), "addresses": child(CRMSchema.customerAddress, "CustomerAddress"),
            "tags": .object(["type": .array(["array", "null"]), "maxItems": 50, "items": string(["maxLength": 64])]),
            "loyaltyPoints": .object(["description": "derived: accepted and ignored"]),
        ])
    }
}
