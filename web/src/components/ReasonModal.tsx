import { Form, Input, Modal } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

export function ReasonModal({
  open,
  title,
  label,
  inputTestId,
  confirmLoading,
  onCancel,
  onSubmit,
}: {
  open: boolean;
  title: string;
  label: string;
  inputTestId: string;
  confirmLoading: boolean;
  onCancel: () => void;
  onSubmit: (reason: string) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  useEffect(() => {
    if (open) form.resetFields();
  }, [open, form]);
  return (
    <Modal
      open={open}
      title={title}
      onCancel={onCancel}
      confirmLoading={confirmLoading}
      destroyOnHidden
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      okButtonProps={{ 'data-testid': 'reason-submit' }}
      cancelButtonProps={{ 'data-testid': 'reason-cancel' }}
      onOk={() => {
        void form
          .validateFields()
          .then((v) => onSubmit(v.reason.trim()))
          .catch(() => undefined);
      }}
    >
      <Form form={form} layout="vertical">
        <Form.Item
          name="reason"
          label={label}
          rules={[
            { required: true, whitespace: true, message: t('review.reasonRequired') },
            { max: 2000, message: t('validation.maxLength', { max: 2000 }) },
          ]}
        >
          <Input.TextArea rows={4} data-testid={inputTestId} autoFocus maxLength={2000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}
