// The recipe stack of escdk's examples/src/recipe.rs, written for the AWS CDK resource for
// resource (33 resources: the stack key, two tables, the bus and its archive, four
// functions with their roles and log groups, the outbox's stream mapping, the projection
// rule and its permission, the dead-letter queue and its policy, the alarm topic with its
// key, policy and conditional e-mail subscription, and six alarms), so that
// scripts/bench-cdk times the same work in both. Run from target/bench-cdk (see there).
const path = require('path');
const cdk = require('aws-cdk-lib');
const { Duration, RemovalPolicy, CfnParameter, CfnCondition, Fn, CfnOutput } = cdk;
const dynamodb = require('aws-cdk-lib/aws-dynamodb');
const events = require('aws-cdk-lib/aws-events');
const targets = require('aws-cdk-lib/aws-events-targets');
const lambda = require('aws-cdk-lib/aws-lambda');
const sources = require('aws-cdk-lib/aws-lambda-event-sources');
const destinations = require('aws-cdk-lib/aws-lambda-destinations');
const logs = require('aws-cdk-lib/aws-logs');
const sqs = require('aws-cdk-lib/aws-sqs');
const sns = require('aws-cdk-lib/aws-sns');
const kms = require('aws-cdk-lib/aws-kms');
const iam = require('aws-cdk-lib/aws-iam');
const cloudwatch = require('aws-cdk-lib/aws-cloudwatch');
const actions = require('aws-cdk-lib/aws-cloudwatch-actions');

const ROOT = process.env.ESCDK_ROOT || path.resolve(__dirname, '../..');
const HANDLERS = path.join(ROOT, 'examples/recipe/handlers');
const PUBLISHER = path.join(ROOT, 'constructs/assets/event_store_publisher');
const SOURCE = 'event-sourcing.financial';
const TYPES = ['AccountCreated', 'TransactionProcessed', 'AccountClosed'];

const app = new cdk.App();
const stack = new cdk.Stack(app, 'EventSourcingRecipe', {
  description: 'Event sourcing with EventBridge and DynamoDB: event store, read model, CQRS functions, archive and alarms',
  tags: { project: 'event-sourcing-recipe' },
});

const key = new kms.Key(stack, 'StackKey', {
  description: "Encrypts this stack's log groups, tables, secrets and function environments",
  enableKeyRotation: true,
  pendingWindow: Duration.days(30),
  removalPolicy: RemovalPolicy.RETAIN,
});
key.addToResourcePolicy(new iam.PolicyStatement({
  sid: 'LogsEncrypt',
  principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
  actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*', 'kms:DescribeKey'],
  resources: ['*'],
  conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` } },
}));

const store = new dynamodb.Table(stack, 'EventStore', {
  partitionKey: { name: 'AggregateId', type: dynamodb.AttributeType.STRING },
  sortKey: { name: 'EventSequence', type: dynamodb.AttributeType.NUMBER },
  billingMode: dynamodb.BillingMode.PROVISIONED,
  readCapacity: 10,
  writeCapacity: 10,
  stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
  encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
  encryptionKey: key,
  pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  removalPolicy: RemovalPolicy.RETAIN,
});
store.addGlobalSecondaryIndex({
  indexName: 'EventType-Timestamp-index',
  partitionKey: { name: 'EventType', type: dynamodb.AttributeType.STRING },
  sortKey: { name: 'Timestamp', type: dynamodb.AttributeType.STRING },
  readCapacity: 5,
  writeCapacity: 5,
});
const readModel = new dynamodb.Table(stack, 'ReadModel', {
  partitionKey: { name: 'AccountId', type: dynamodb.AttributeType.STRING },
  sortKey: { name: 'ProjectionType', type: dynamodb.AttributeType.STRING },
  billingMode: dynamodb.BillingMode.PROVISIONED,
  readCapacity: 5,
  writeCapacity: 5,
  encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
  encryptionKey: key,
  pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  removalPolicy: RemovalPolicy.RETAIN,
});

const bus = new events.EventBus(stack, 'EventBus', { description: 'Event sourcing bus for financial transactions' });
const archive = bus.archive('Archive', {
  description: 'Archive for event replay and audit',
  eventPattern: { source: [SOURCE] },
  retention: Duration.days(365),
});
archive.applyRemovalPolicy(RemovalPolicy.RETAIN);

const dlq = new sqs.Queue(stack, 'DeadLetterQueue', {
  encryption: sqs.QueueEncryption.SQS_MANAGED,
  enforceSSL: true,
  retentionPeriod: Duration.days(14),
  visibilityTimeout: Duration.minutes(5),
});

function fn(id, code, handler, environment, reserved) {
  const logGroup = new logs.LogGroup(stack, `${id}LogGroup`, {
    retention: logs.RetentionDays.ONE_MONTH,
    encryptionKey: key,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.PYTHON_3_12,
    code: lambda.Code.fromAsset(code),
    handler,
    memorySize: 256,
    timeout: Duration.seconds(30),
    environment,
    environmentEncryption: key,
    logGroup,
    reservedConcurrentExecutions: reserved,
  });
}

const command = fn('Command', HANDLERS, 'command_handler.lambda_handler', {
  EVENT_STORE_TABLE: store.tableName,
  EVENT_TYPES: TYPES.join(','),
}, 10);
store.grant(command, 'dynamodb:PutItem', 'dynamodb:Query');

const projection = fn('Projection', HANDLERS, 'projection_handler.lambda_handler', {
  EVENT_STORE_TABLE: store.tableName,
  PARKED_QUEUE_URL: dlq.queueUrl,
  READ_MODEL_TABLE: readModel.tableName,
}, 5);
store.grant(projection, 'dynamodb:Query');
readModel.grant(projection, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
dlq.grantSendMessages(projection);
projection.configureAsyncInvoke({ onFailure: new destinations.SqsDestination(dlq), retryAttempts: 2 });
new events.Rule(stack, 'ProjectionRule', {
  eventBus: bus,
  ruleName: 'EventSourcingRecipe-Handlers-Projection-Rule',
  description: 'Routes events to the Projection projection',
  eventPattern: { source: [SOURCE], detailType: TYPES },
  targets: [new targets.LambdaFunction(projection, { deadLetterQueue: dlq, retryAttempts: 185, maxEventAge: Duration.hours(24) })],
});

const query = fn('Query', HANDLERS, 'query_handler.lambda_handler', {
  EVENT_STORE_TABLE: store.tableName,
  READ_MODEL_TABLE: readModel.tableName,
  EVENT_TYPE_INDEX: 'EventType-Timestamp-index',
  EVENT_TYPES: TYPES.join(','),
});
store.grant(query, 'dynamodb:GetItem', 'dynamodb:Query');
readModel.grant(query, 'dynamodb:GetItem', 'dynamodb:Query');

const publisher = fn('Publisher', PUBLISHER, 'event_store_publisher.lambda_handler', {
  EVENT_BUS_NAME: bus.eventBusName,
  EVENT_SOURCE: SOURCE,
});
bus.grantPutEventsTo(publisher);
publisher.addEventSource(new sources.DynamoEventSource(store, {
  startingPosition: lambda.StartingPosition.TRIM_HORIZON,
  batchSize: 100,
  bisectBatchOnError: true,
  retryAttempts: -1,
  reportBatchItemFailures: true,
  onFailure: new sources.SqsDlq(dlq),
  filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT') })],
}));

const topicKey = new kms.Key(stack, 'AlarmTopicKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
topicKey.addToResourcePolicy(new iam.PolicyStatement({
  principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
  actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
  resources: ['*'],
  conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
}));
const topic = new sns.Topic(stack, 'AlarmTopic', { masterKey: topicKey, enforceSSL: true });
const email = new CfnParameter(stack, 'AlarmEmail', { type: 'String', default: '', description: 'Where alarms are sent (none when empty)' });
const hasEmail = new CfnCondition(stack, 'HasAlarmEmail', { expression: Fn.conditionNot(Fn.conditionEquals(email.valueAsString, '')) });
const subscription = new sns.CfnSubscription(stack, 'AlarmEmailSubscription', { topicArn: topic.topicArn, protocol: 'email', endpoint: email.valueAsString });
subscription.cfnOptions.condition = hasEmail;

function alarm(id, metric, threshold, periods) {
  new cloudwatch.Alarm(stack, id, {
    metric,
    threshold,
    evaluationPeriods: periods,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  }).addAlarmAction(new actions.SnsAction(topic));
}
const fiveMinutes = { period: Duration.minutes(5), statistic: 'Sum' };
alarm('CommandHandlerErrors', command.metricErrors(fiveMinutes), 10, 2);
alarm('ProjectionErrors', projection.metricErrors(fiveMinutes), 0, 2);
alarm('DeadLetterQueueMessages', dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }), 0, 1);
alarm('EventStoreWriteThrottles', new cloudwatch.Metric({ namespace: 'AWS/DynamoDB', metricName: 'WriteThrottleEvents', dimensionsMap: { TableName: store.tableName }, ...fiveMinutes }), 5, 2);
alarm('OutboxIteratorAge', new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'IteratorAge', dimensionsMap: { FunctionName: publisher.functionName }, period: Duration.minutes(1), statistic: 'Maximum' }), 300000, 5);
alarm('ProjectionRuleFailedInvocations', new cloudwatch.Metric({ namespace: 'AWS/Events', metricName: 'FailedInvocations', dimensionsMap: { RuleName: 'EventSourcingRecipe-Handlers-Projection-Rule', EventBusName: bus.eventBusName }, ...fiveMinutes }), 5, 2);

new CfnOutput(stack, 'AlarmTopicArn', { value: topic.topicArn });
new CfnOutput(stack, 'CommandHandlerFunctionName', { value: command.functionName });
new CfnOutput(stack, 'DeadLetterQueueUrl', { value: dlq.queueUrl });
new CfnOutput(stack, 'EventArchiveArn', { value: archive.archiveArn });
new CfnOutput(stack, 'EventBusArn', { value: bus.eventBusArn });
new CfnOutput(stack, 'EventBusName', { value: bus.eventBusName });
new CfnOutput(stack, 'EventStoreTableName', { value: store.tableName });
new CfnOutput(stack, 'QueryHandlerFunctionName', { value: query.functionName });
new CfnOutput(stack, 'ReadModelTableName', { value: readModel.tableName });

app.synth();
