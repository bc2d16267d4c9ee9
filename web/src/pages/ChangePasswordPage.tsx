import { Alert, App, Button, Card, Form, Input, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { changePassword } from '../api/endpoints';
import { ErrorAlert } from '../components/ErrorAlert';
import { SESSION_KEY, useUser } from '../session';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

export default function ChangePasswordPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const user = useUser();
  const [form] = Form.useForm<Values>();
  const forced = !!user?.mustChangePassword;
  const m = useMutation({
    mutationFn: (v: Values) => changePassword({ currentPassword: v.currentPassword, newPassword: v.newPassword }),
    onSuccess: async () => {
      void message.success(t('password.changed'));
      form.resetFields();
      await qc.invalidateQueries({ queryKey: SESSION_KEY });
      if (forced) navigate('/', { replace: true });
    },
  });
  const req = { required: true, message: t('validation.required') };
  return (
    <div style={{ maxWidth: 480 }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('password.title')}
      </Typography.Title>
      {forced && <Alert type="warning" showIcon title={t('password.mustChange')} style={{ marginBottom: 16 }} data-testid="must-change-password" />}
      <Card>
        <ErrorAlert error={m.error} testId="password-error" />
        <Form form={form} layout="vertical" onFinish={(v) => m.mutate(v)}>
          <Form.Item name="currentPassword" label={t('password.current')} rules={[req]}>
            <Input.Password autoComplete="current-password" data-testid="password-current" />
          </Form.Item>
          <Form.Item
            name="newPassword"
            label={t('password.new')}
            dependencies={['currentPassword']}
            rules={[
              req,
              { min: 8, message: t('validation.passwordMin') },
              ({ getFieldValue }) => ({
                validator: (_r, v) => (!v || v !== getFieldValue('currentPassword') ? Promise.resolve() : Promise.reject(new Error(t('password.sameAsOld')))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" data-testid="password-new" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={t('fields.confirmPassword')}
            dependencies={['newPassword']}
            rules={[
              req,
              ({ getFieldValue }) => ({
                validator: (_r, v) => (!v || v === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('validation.passwordMismatch')))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" data-testid="password-confirm" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={m.isPending} data-testid="password-submit">
            {t('password.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
