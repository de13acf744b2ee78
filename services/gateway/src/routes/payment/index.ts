// The payment routes' controllers, registered together in the gateway module.
import { PaymentAdminController } from './payment-admin.controller.js';
import { PaymentController } from './payment.controller.js';
import { PspWebhookController } from './psp-webhook.controller.js';

export const PAYMENT_CONTROLLERS = [PaymentController, PaymentAdminController, PspWebhookController];
