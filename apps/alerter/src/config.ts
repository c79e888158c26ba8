import type { SecretRef } from '@tocsin/crisis-plan';
import {
  deploymentSchema,
  liveMaxAgeSchema,
  logLevelSchema,
  parseEnvironment,
  type Deployment,
  type Environment,
  type LogLevel,
} from '@tocsin/domain';
import { kafkaEnvironmentSchema, toKafkaSettings, type KafkaSettings } from '@tocsin/kafka';
import { redisEnvironmentSchema, toRedisSettings, type RedisSettings } from '@tocsin/redis';
import { z } from 'zod';
import type { SmtpSettings } from './smtp.mailer';

const alerterEnvironmentSchema = kafkaEnvironmentSchema
  .merge(redisEnvironmentSchema)
  .extend({
    LOG_LEVEL: logLevelSchema,
    /** production (the default) requires https and a secret for every signed webhook. */
    NODE_ENV: deploymentSchema,
    /** Consumer group shared by all alerter instances: each hit is applied by one of them. */
    ALERTER_GROUP_ID: z.string().min(1).default('tocsin-alerter'),
    /** Crisis plan YAML: brands, triggers, people, schedules and escalation policies. */
    PLAN_FILE: z.string().min(1).default('config/crisis-plan.example.yaml'),
    /** How often due escalations and auto-resolves are looked for. */
    ESCALATION_POLL_MS: z.coerce.number().int().positive().default(500),
    /** How often the outbox is looked at for messages to send. */
    RELAY_POLL_MS: z.coerce.number().int().positive().default(100),
    /** Where people reach the console; used in links sent by webhooks. */
    PUBLIC_URL: z.string().url().default('http://127.0.0.1:3001'),
    /** Negative mentions posted longer ago than this when read do not enter the reply queue. */
    LIVE_MAX_AGE_MS: liveMaxAgeSchema,
    /** Where `GET /health` answers supervisors (the alerter has no other HTTP surface). */
    ALERTER_HEALTH_HOST: z.string().min(1).default('0.0.0.0'),
    ALERTER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3004),
    /** Org-wide Slack incoming webhook receiving every page, if set. */
    SLACK_WEBHOOK_URL: z.string().url().optional(),
    /** Org-wide generic JSON webhook receiving every page, if set. */
    ALERT_WEBHOOK_URL: z.string().url().optional(),
    /** The secret ALERT_WEBHOOK_URL's pages are signed with, or a file holding it (a mounted secret). */
    ALERT_WEBHOOK_SECRET: z.string().optional(),
    ALERT_WEBHOOK_SECRET_FILE: z.string().min(1).optional(),
    /** SMTP server for e-mail pages (`smtp://user:pass@host:587`, `smtps://…:465`); unset: no e-mail. */
    SMTP_URL: z
      .string()
      .url()
      .refine((value) => /^smtps?:$/.test(new URL(value).protocol), 'expected an smtp:// or smtps:// URL')
      .optional(),
    /** From header of e-mail pages, `oncall@example.com` or `Tocsin <oncall@example.com>`; needed with SMTP_URL. */
    SMTP_FROM: z
      .string()
      .regex(
        /^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/,
        'expected an address such as "Tocsin <oncall@example.com>"',
      )
      .optional(),
  })
  .superRefine((env, ctx) => {
    if (env.SMTP_URL !== undefined && env.SMTP_FROM === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['SMTP_FROM'], message: 'is required when SMTP_URL is set' });
    }
  });

export interface AlerterConfig {
  logLevels: LogLevel[];
  groupId: string;
  planFile: string;
  escalationPollMs: number;
  relayPollMs: number;
  publicUrl: string;
  liveMaxAgeMs: number;
  slackWebhookUrl?: string;
  alertWebhookUrl?: string;
  /** Where the org-wide webhook's signing secret is read, if anywhere. */
  alertWebhookSecret?: SecretRef;
  deployment: Deployment;
  /** Reads a variable a plan names as a secret (`{ env: NAME }`): the environment given at start. */
  secretVariable(name: string): string | undefined;
  /** E-mail pages; undefined when SMTP_URL is unset. */
  smtp?: SmtpSettings;
  health: { host: string; port: number };
  kafka: KafkaSettings;
  redis: RedisSettings;
}

export const ALERTER_CONFIG = Symbol('AlerterConfig');

/** The only reader of the environment for this app; fails naming each bad variable. */
export function loadAlerterConfig(env: Environment): AlerterConfig {
  const parsed = parseEnvironment(alerterEnvironmentSchema, env);
  if (parsed.ALERT_WEBHOOK_SECRET !== undefined && parsed.ALERT_WEBHOOK_SECRET_FILE !== undefined) {
    throw new Error('ALERT_WEBHOOK_SECRET and ALERT_WEBHOOK_SECRET_FILE: expected one of them, got both');
  }
  const alertWebhookSecret: SecretRef | undefined =
    parsed.ALERT_WEBHOOK_SECRET !== undefined
      ? { env: 'ALERT_WEBHOOK_SECRET' }
      : parsed.ALERT_WEBHOOK_SECRET_FILE !== undefined
        ? { file: parsed.ALERT_WEBHOOK_SECRET_FILE }
        : undefined;
  const secrets = { ...env };
  return Object.freeze({
    logLevels: parsed.LOG_LEVEL,
    groupId: parsed.ALERTER_GROUP_ID,
    planFile: parsed.PLAN_FILE,
    escalationPollMs: parsed.ESCALATION_POLL_MS,
    relayPollMs: parsed.RELAY_POLL_MS,
    publicUrl: parsed.PUBLIC_URL,
    liveMaxAgeMs: parsed.LIVE_MAX_AGE_MS,
    slackWebhookUrl: parsed.SLACK_WEBHOOK_URL,
    alertWebhookUrl: parsed.ALERT_WEBHOOK_URL,
    alertWebhookSecret,
    deployment: parsed.NODE_ENV,
    secretVariable: (name: string) => secrets[name],
    ...(parsed.SMTP_URL && parsed.SMTP_FROM ? { smtp: { url: parsed.SMTP_URL, from: parsed.SMTP_FROM } } : {}),
    health: { host: parsed.ALERTER_HEALTH_HOST, port: parsed.ALERTER_HEALTH_PORT },
    kafka: toKafkaSettings(parsed),
    redis: toRedisSettings(parsed),
  });
}
