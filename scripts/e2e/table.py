"""The e2e run's view of the moto DynamoDB server, with boto3 from moto's own virtualenv.

    table.py create ENDPOINT REGION REQUEST_JSON   create the table (a CreateTable request)
    table.py keys ENDPOINT REGION TABLE PK SK USER  print the sort keys (attribute SK) of the items whose
                                                   partition key (attribute PK) is USER, as a JSON list
"""

import json
import sys

import boto3


def client(endpoint: str, region: str):
    # Dummy credentials: moto accepts any.
    return boto3.client("dynamodb", endpoint_url=endpoint, region_name=region,
                        aws_access_key_id="e2e", aws_secret_access_key="e2e")


def main(argv: list[str]) -> None:
    command, endpoint, region = argv[:3]
    dynamodb = client(endpoint, region)
    if command == "create":
        request = json.loads(argv[3])
        dynamodb.create_table(**request)
        dynamodb.get_waiter("table_exists").wait(TableName=request["TableName"], WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    elif command == "keys":
        table, pk, sk, user_id = argv[3:7]
        keys: list[str] = []
        for page in dynamodb.get_paginator("query").paginate(
            TableName=table, KeyConditionExpression="#pk = :u",
            ExpressionAttributeNames={"#pk": pk}, ExpressionAttributeValues={":u": {"S": user_id}},
        ):
            keys += [item[sk]["S"] for item in page["Items"]]
        print(json.dumps(keys))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
